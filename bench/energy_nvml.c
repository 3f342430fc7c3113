/* NVIDIA GPU boards through NVML, loaded with dlopen so flopwatt runs where no driver is
 * installed: nvmlDeviceGetTotalEnergyConsumption (millijoules since the driver loaded,
 * Volta and newer) summed over every device. The few NVML declarations needed are below;
 * no CUDA header is required to build. */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy_backends.h"
#include "energy_text.h"

#define NVML_SUCCESS 0
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_MAX_DEVICES 64

typedef int nvml_return;
typedef struct nvml_device_opaque *nvml_device;

typedef struct nvml_api {
    void *lib;
    nvml_return (*init)(void);
    nvml_return (*shutdown)(void);
    nvml_return (*count)(unsigned *n);
    nvml_return (*handle)(unsigned index, nvml_device *dev);
    nvml_return (*energy)(nvml_device dev, unsigned long long *millijoules);
    nvml_return (*name)(nvml_device dev, char *name, unsigned len);
    const char *(*error_string)(nvml_return rc);
} nvml_api;

typedef struct nvml_state {
    nvml_api api;
    unsigned n;
    nvml_device dev[NVML_MAX_DEVICES];
    unsigned long long first[NVML_MAX_DEVICES]; /* mJ at open */
} nvml_state;

static const char *nvml_error(const nvml_api *api, nvml_return rc)
{
    const char *s = api->error_string ? api->error_string(rc) : NULL;
    return s ? s : "unknown NVML error";
}

/* dlopen and dlsym: 0, or -1 with the reason (the library is closed again). */
static int load_api(const char *library, nvml_api *api, char *why, size_t len)
{
    memset(api, 0, sizeof *api);
    api->lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!api->lib) {
        const char *err = dlerror();
        if (err && strstr(err, "No such file"))
            snprintf(why, len, "%s not found: no NVIDIA driver on this machine", library);
        else
            snprintf(why, len, "%s could not be loaded (%s); reinstall the NVIDIA driver",
                     library, err ? err : "dlopen failed");
        return -1;
    }
    static const char *const names[] = {"nvmlInit_v2", "nvmlShutdown", "nvmlDeviceGetCount_v2",
                                        "nvmlDeviceGetHandleByIndex_v2",
                                        "nvmlDeviceGetTotalEnergyConsumption"};
    void *sym[sizeof names / sizeof names[0]];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        sym[i] = dlsym(api->lib, names[i]);
        if (!sym[i]) {
            snprintf(why, len, "%s has no %s: the NVIDIA driver is too old for energy counters",
                     library, names[i]);
            dlclose(api->lib);
            return -1;
        }
    }
    /* Object pointers to function pointers: POSIX guarantees dlsym results convert. */
    memcpy(&api->init, &sym[0], sizeof sym[0]);
    memcpy(&api->shutdown, &sym[1], sizeof sym[1]);
    memcpy(&api->count, &sym[2], sizeof sym[2]);
    memcpy(&api->handle, &sym[3], sizeof sym[3]);
    memcpy(&api->energy, &sym[4], sizeof sym[4]);
    void *optional = dlsym(api->lib, "nvmlDeviceGetName");
    memcpy(&api->name, &optional, sizeof optional);
    optional = dlsym(api->lib, "nvmlErrorString");
    memcpy(&api->error_string, &optional, sizeof optional);
    return 0;
}

static void unload_api(nvml_api *api, int initialised)
{
    if (initialised)
        api->shutdown();
    dlclose(api->lib);
}

/* Handles and starting energy of every device: 0, or -1 with the reason. */
static int open_devices(nvml_state *st, char *detail, size_t dlen, char *why, size_t len)
{
    const nvml_api *api = &st->api;
    nvml_return rc = api->count(&st->n);
    if (rc != NVML_SUCCESS) {
        snprintf(why, len, "nvmlDeviceGetCount: %s", nvml_error(api, rc));
        return -1;
    }
    if (st->n == 0) {
        snprintf(why, len, "NVML finds no NVIDIA GPU on this machine");
        return -1;
    }
    if (st->n > NVML_MAX_DEVICES)
        st->n = NVML_MAX_DEVICES;
    snprintf(detail, dlen, "%u device%s summed:", st->n, st->n == 1 ? "" : "s");
    for (unsigned i = 0; i < st->n; i++) {
        char name[96] = "unnamed";
        rc = api->handle(i, &st->dev[i]);
        if (rc == NVML_SUCCESS && api->name)
            api->name(st->dev[i], name, sizeof name);
        if (rc == NVML_SUCCESS)
            rc = api->energy(st->dev[i], &st->first[i]);
        if (rc == NVML_ERROR_NOT_SUPPORTED) {
            snprintf(why, len, "GPU %u (%s) has no total-energy counter: NVML gives it on "
                     "Volta and newer boards only", i, name);
            return -1;
        }
        if (rc != NVML_SUCCESS) {
            snprintf(why, len, "GPU %u (%s): %s", i, name, nvml_error(api, rc));
            return -1;
        }
        energy_appendf(detail, dlen, "%s %u: %s", i ? "," : "", i, name);
    }
    return 0;
}

static int nvml_read(energy_meter *m, energy_sample *out)
{
    nvml_state *st = m->state;
    double millijoules = 0;
    for (unsigned i = 0; i < st->n; i++) {
        unsigned long long now;
        if (st->api.energy(st->dev[i], &now) != NVML_SUCCESS)
            return -1;
        millijoules += (double)(now - st->first[i]);
    }
    out->joules = millijoules * 1e-3;
    out->dram_joules = NAN;
    return 0;
}

static void nvml_close(energy_meter *m)
{
    nvml_state *st = m->state;
    if (st) {
        unload_api(&st->api, 1);
        free(st);
    }
    m->state = NULL;
}

int energy_nvml_open(const energy_env *env, energy_meter *m, char *why, size_t len)
{
    const char *library = env->nvml_library ? env->nvml_library : "libnvidia-ml.so.1";
    nvml_state *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(why, len, "out of memory");
        return -1;
    }
    if (load_api(library, &st->api, why, len) != 0) {
        free(st);
        return -1;
    }
    nvml_return rc = st->api.init();
    if (rc != NVML_SUCCESS) {
        snprintf(why, len, "nvmlInit: %s; check the NVIDIA driver (nvidia-smi)",
                 nvml_error(&st->api, rc));
        unload_api(&st->api, 0);
        free(st);
        return -1;
    }
    char detail[sizeof m->detail];
    if (open_devices(st, detail, sizeof detail, why, len) != 0) {
        unload_api(&st->api, 1);
        free(st);
        return -1;
    }
    memset(m, 0, sizeof *m);
    snprintf(m->source, sizeof m->source, "nvml");
    snprintf(m->domain, sizeof m->domain, "gpu-board");
    snprintf(m->detail, sizeof m->detail, "%s", detail);
    m->measured = 1;
    m->read = nvml_read;
    m->close = nvml_close;
    m->state = st;
    return 0;
}
