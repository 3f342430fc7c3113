/* The "build" section (how this flopwatt was compiled) and the "libraries" section: which
 * versions of the peer and helper libraries this machine has. Peers are loaded with
 * dlopen(RTLD_LOCAL) and closed again, so their symbols never mix with flopwatt's. */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef FW_HAVE_HWLOC
#include <hwloc.h>
#endif
#ifdef LIKWID_PERFMON
#include <likwid.h>
#endif

#include "flopwatt.h"
#include "sysinfo_parts.h"

#ifndef FW_BUILD_CC
#define FW_BUILD_CC "unknown"
#endif
#ifndef FW_BUILD_CFLAGS
#define FW_BUILD_CFLAGS "unknown"
#endif
#ifndef FW_GIT_REV
#define FW_GIT_REV "unknown"
#endif

#if defined(__clang__)
#define COMPILER_VERSION "clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER_VERSION "gcc " __VERSION__
#else
#define COMPILER_VERSION "unknown"
#endif

#ifdef FW_HAVE_HWLOC
#define HAVE_HWLOC 1
#else
#define HAVE_HWLOC 0
#endif
#ifdef FW_HAVE_PAPI
#define HAVE_PAPI 1
#else
#define HAVE_PAPI 0
#endif
#ifdef LIKWID_PERFMON
#define HAVE_LIKWID 1
#else
#define HAVE_LIKWID 0
#endif

json_t *sysinfo_build(void)
{
    char compiler[256];
    snprintf(compiler, sizeof compiler, "%s", COMPILER_VERSION);
    compiler[strcspn(compiler, "\n")] = '\0';
    for (size_t n = strlen(compiler); n > 0 && compiler[n - 1] == ' ';)
        compiler[--n] = '\0'; /* __clang_version__ ends with a space */
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:b, s:b, s:b}", "flopwatt_version",
                     FLOPWATT_VERSION, "git_revision", FW_GIT_REV, "compiler", FW_BUILD_CC,
                     "compiler_version", sysinfo_string(compiler), "cflags", FW_BUILD_CFLAGS,
                     "hwloc", HAVE_HWLOC, "papi", HAVE_PAPI, "likwid_markers", HAVE_LIKWID);
}

static json_t *not_found(const char *reason)
{
    return json_pack("{s:b, s:o}", "found", 0, "reason", sysinfo_string(reason));
}

/* The file behind a path the loader gave, links resolved (they tell which of several
 * installed builds, e.g. openblas-pthread or openblas-openmp, is the one in use). */
static json_t *real_path(const char *name)
{
    char resolved[PATH_MAX];
    return sysinfo_string(name && realpath(name, resolved) ? resolved : name);
}

static json_t *path_of_handle(void *handle)
{
    struct link_map *map = NULL;
    return real_path(dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map ? map->l_name : NULL);
}

/* A function of the library, as a plain function pointer (NULL when absent). memcpy
 * because ISO C has no cast between object and function pointers. */
typedef char *(*string_fn)(void); /* openblas_get_config, bli_info_get_version_str */
typedef int (*int_fn)(void);
static void *symbol(void *handle, const char *name, size_t fn_size, void *fn)
{
    void *sym = dlsym(handle, name);
    memset(fn, 0, fn_size);
    if (sym)
        memcpy(fn, &sym, fn_size);
    return sym;
}

static void *load(const char *soname, json_t **reason_out)
{
    void *h = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        *reason_out = not_found(e ? e : soname);
    }
    return h;
}

/* "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64" -> "0.3.21" */
static json_t *openblas_version(const char *config)
{
    char v[64];
    if (config && sscanf(config, "OpenBLAS %63s", v) == 1)
        return sysinfo_string(v);
    return json_null();
}

static json_t *openblas(void)
{
    json_t *o = NULL;
    void *h = load("libopenblas.so.0", &o);
    if (!h)
        return o;
    string_fn config, core;
    symbol(h, "openblas_get_config", sizeof config, &config);
    symbol(h, "openblas_get_corename", sizeof core, &core);
    const char *cfg = config ? config() : NULL;
    /* OPENBLAS_CORETYPE overrides the kernels OpenBLAS picks for the CPU. */
    o = json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "found", 1, "version",
                  openblas_version(cfg), "config", sysinfo_string(cfg), "core",
                  sysinfo_string(core ? core() : NULL), "coretype_env",
                  sysinfo_string(getenv("OPENBLAS_CORETYPE")), "path", path_of_handle(h));
    dlclose(h);
    return o;
}

static json_t *blis(void)
{
    json_t *o = NULL;
    void *h = load("libblis.so.4", &o);
    if (!h)
        return o;
    string_fn version;
    symbol(h, "bli_info_get_version_str", sizeof version, &version);
    o = json_pack("{s:b, s:o, s:o}", "found", 1, "version",
                  sysinfo_string(version ? version() : NULL), "path", path_of_handle(h));
    dlclose(h);
    return o;
}

/* likwid 5.2's header has no usable version macro in every packaging (Debian's says
 * "VERSION.RELEASE.MINORVERSION") and its library exports a version only from 5.3 on
 * (likwid_getMajorVersion ...): say so rather than guess. */
static json_t *likwid_version(void *h)
{
#ifdef LIKWID_PERFMON
    if (LIKWID_VERSION[0] >= '0' && LIKWID_VERSION[0] <= '9')
        return json_string(LIKWID_VERSION);
#endif
    int_fn major, minor, bugfix;
    if (symbol(h, "likwid_getMajorVersion", sizeof major, &major) &&
        symbol(h, "likwid_getMinorVersion", sizeof minor, &minor) &&
        symbol(h, "likwid_getBugfixVersion", sizeof bugfix, &bugfix)) {
        char v[48];
        snprintf(v, sizeof v, "%d.%d.%d", major(), minor(), bugfix());
        return json_string(v);
    }
    return json_string("installed (version unknown)");
}

static json_t *likwid(void)
{
    json_t *o = NULL;
    void *h = load("liblikwid.so.5", &o);
    if (!h)
        return o;
    o = json_pack("{s:b, s:o, s:o}", "found", 1, "version", likwid_version(h), "path",
                  path_of_handle(h));
    dlclose(h);
    return o;
}

/* The library that provides a symbol this program is linked with. */
static json_t *path_of_symbol(const char *name)
{
    Dl_info info;
    void *addr = dlsym(RTLD_DEFAULT, name);
    return real_path(addr && dladdr(addr, &info) && info.dli_fname ? info.dli_fname : NULL);
}

static json_t *hwloc(void)
{
#ifdef FW_HAVE_HWLOC
    unsigned v = hwloc_get_api_version();
    char version[48];
    snprintf(version, sizeof version, "API %u.%u.%u", v >> 16, (v >> 8) & 0xff, v & 0xff);
    return json_pack("{s:b, s:s, s:o}", "found", 1, "version", version, "path",
                     path_of_symbol("hwloc_get_api_version"));
#else
    return not_found("not built in: install hwloc's development files (libhwloc-dev) and rebuild");
#endif
}

static json_t *papi(const sysinfo_counters *c)
{
    if (!c->version[0])
        return not_found(c->status);
    return json_pack("{s:b, s:s, s:o}", "found", 1, "version", c->version, "path",
                     path_of_symbol("PAPI_library_init"));
}

json_t *sysinfo_libraries(const sysinfo_counters *counters)
{
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "openblas", openblas(), "blis", blis(),
                     "papi", papi(counters), "likwid", likwid(), "hwloc", hwloc());
}
