/* Energy meters (bench/energy*.c) on fixture trees the test writes under a temporary folder:
 * powercap zones (packages, DRAM, wrap-around, unreadable and malformed files), the perf
 * power PMU's sysfs description, PAPI as installed here, NVML through a stand-in library
 * ($FW_FIXTURES/fake_nvml.so), the power model and its coefficient file, the order in which
 * the CPU meter is chosen, and the idle baseline. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scratch.h"
#include "testlib.h"

#include "../bench/energy.h"
#include "../bench/energy_model.h"
#include "../bench/energy_perf.h"

#ifdef FW_HAVE_PAPI
#include <papi.h>
#endif

#define MODEL_FILE FW_DATA_DIR "/power_model.csv"

static char top[64]; /* the temporary folder every fixture lives in */

static int has(const char *s, const char *part) { return strstr(s, part) != NULL; }

/* A reason as the interface promises it: one non-empty line. */
static int one_line(const char *s) { return s[0] && !strchr(s, '\n'); }

/* A new, empty fixture folder under top. */
static const char *fixture(const char *name)
{
    static char path[8][256];
    static int next;
    char *p = path[next++ % 8];
    snprintf(p, sizeof path[0], "%s/%s", top, name);
    mkdir(p, 0755);
    return p;
}

static void make_parents(char *path)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(path, 0755);
        *s = '/';
    }
}

/* Writes text to root/rel, creating the folders on the way. */
static void put(const char *root, const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    make_parents(path);
    FILE *f = fopen(path, "w");
    if (!f) {
        CHECK(0, "cannot write fixture file %s: %s", path, strerror(errno));
        return;
    }
    fputs(text, f);
    fclose(f);
}

static void put_number(const char *root, const char *rel, unsigned long long v)
{
    char text[32];
    snprintf(text, sizeof text, "%llu\n", v);
    put(root, rel, text);
}

/* A powercap zone folder (relative to root) with its three files. */
static void zone(const char *root, const char *dir, const char *name, unsigned long long uj,
                 unsigned long long range)
{
    char rel[256], text[80];
    snprintf(rel, sizeof rel, "%s/name", dir);
    snprintf(text, sizeof text, "%s\n", name);
    put(root, rel, text);
    snprintf(rel, sizeof rel, "%s/energy_uj", dir);
    put_number(root, rel, uj);
    snprintf(rel, sizeof rel, "%s/max_energy_range_uj", dir);
    put_number(root, rel, range);
}

static void set_energy(const char *root, const char *dir, unsigned long long uj)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/energy_uj", dir);
    put_number(root, rel, uj);
}

/* An environment on a fixture root, for a Zen 5 machine with 2 vCPUs unless changed. */
static energy_env env_on(const char *root)
{
    energy_env env = {
        .sysfs_root = root,
        .nvml_library = "libnvidia-ml-absent.so.1",
        .model_file = MODEL_FILE,
        .cpu_vendor = "AuthenticAMD",
        .cpu_family = 0x1a, .cpu_model = 0x02, .cpu_stepping = 1,
        .arm_implementer = -1, .arm_part = -1,
        .vcpus = 2,
    };
    return env;
}

static const char *const powercap = "sys/class/powercap";

/* Runs backend open in a child without root's privileges (as nobody when the test runs as
 * root, since root reads files whatever their mode) and copies what it said into why.
 * Returns 0, or -1 when privileges could not be dropped here. */
static int open_unprivileged(const char *backend, const energy_env *env, char *why,
                             size_t len)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
                               setuid(65534) != 0))
            _exit(77);
        char w[256] = "";
        energy_meter m;
        if (energy_backend_find(backend)->open(env, &m, w, sizeof w) == 0) {
            m.close(&m);
            snprintf(w, sizeof w, "opened");
        }
        ssize_t unused = write(fd[1], w, strlen(w));
        (void)unused;
        _exit(0);
    }
    close(fd[1]);
    size_t got = 0;
    ssize_t n;
    while (got + 1 < len && (n = read(fd[0], why + got, len - 1 - got)) > 0)
        got += (size_t)n;
    why[got] = '\0';
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void test_powercap_packages(void)
{
    const char *root = fixture("packages");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/intel-rapl:0", powercap);
    zone(root, dir, "package-0", 1000000, 262143328850ull);
    snprintf(dir, sizeof dir, "%s/intel-rapl:1", powercap);
    zone(root, dir, "package-1", 5000000, 262143328850ull);
    /* Left out: psys (the whole platform), core (part of the package), the MMIO copy. */
    zone(root, "sys/class/powercap/intel-rapl:2", "psys", 7, 262143328850ull);
    zone(root, "sys/class/powercap/intel-rapl:0:0", "core", 9, 262143328850ull);
    zone(root, "sys/class/powercap/intel-rapl-mmio:0", "package-0", 11, 262143328850ull);

    energy_env env = env_on(root);
    energy_meter m;
    char why[256] = "";
    if (!CHECK(energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why) == 0,
               "two packages open: %s", why))
        return;
    CHECK(!strcmp(m.source, "rapl-powercap") && !strcmp(m.domain, "package") && m.measured,
          "source %s domain %s measured %d", m.source, m.domain, m.measured);
    CHECK(has(m.detail, "package-0 (intel-rapl:0)") && has(m.detail, "package-1 (intel-rapl:1)")
              && !has(m.detail, "psys") && !has(m.detail, "core") && !has(m.detail, "mmio"),
          "detail names the summed zones only: %s", m.detail);
    energy_sample s = {-1, -1};
    CHECK(m.read(&m, &s) == 0 && s.joules == 0 && isnan(s.dram_joules),
          "nothing used yet: %g J, dram %g", s.joules, s.dram_joules);
    set_energy(root, "sys/class/powercap/intel-rapl:0", 2000000);
    set_energy(root, "sys/class/powercap/intel-rapl:1", 7500000);
    set_energy(root, "sys/class/powercap/intel-rapl:2", 99000000); /* psys: not summed */
    CHECK(m.read(&m, &s) == 0 && fabs(s.joules - 3.5) < 1e-12,
          "1 J + 2.5 J from the two packages = %.9g J", s.joules);
    m.close(&m);
}

/* The kernel's layout: zones live nested under the control type folder in
 * /sys/devices/virtual/powercap, and /sys/class/powercap links to every zone flat. */
static void test_powercap_dram(void)
{
    const char *root = fixture("dram");
    const char *dev = "sys/devices/virtual/powercap/intel-rapl";
    const char *zones[][2] = {
        {"intel-rapl:0", "package-0"}, {"intel-rapl:0/intel-rapl:0:0", "dram"},
        {"intel-rapl:0/intel-rapl:0:1", "core"},
        {"intel-rapl:1", "package-1"}, {"intel-rapl:1/intel-rapl:1:0", "dram"},
    };
    char dir[256], link[512], target[512];
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        snprintf(dir, sizeof dir, "%s/%s", dev, zones[i][0]);
        zone(root, dir, zones[i][1], 100, 65532610987ull);
        const char *leaf = strrchr(zones[i][0], '/') ? strrchr(zones[i][0], '/') + 1
                                                      : zones[i][0];
        snprintf(link, sizeof link, "%s/%s/%s", root, powercap, leaf);
        snprintf(target, sizeof target, "%s/%s/%s", root, dev, zones[i][0]);
        make_parents(link);
        int rc = symlink(target, link);
        CHECK(rc == 0, "symlink %s: %s", link, strerror(errno));
    }
    energy_env env = env_on(root);
    energy_meter m;
    char why[256] = "";
    if (!CHECK(energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why) == 0,
               "packages with dram open: %s", why))
        return;
    CHECK(!strcmp(m.domain, "package+dram"), "domain %s", m.domain);
    CHECK(has(m.detail, "dram (intel-rapl:0:0)") && has(m.detail, "dram (intel-rapl:1:0)") &&
              !has(m.detail, "core"),
          "detail: %s", m.detail);
    snprintf(dir, sizeof dir, "%s/intel-rapl:0", dev);
    set_energy(root, dir, 1000100);
    snprintf(dir, sizeof dir, "%s/intel-rapl:0/intel-rapl:0:0", dev);
    set_energy(root, dir, 500100);
    snprintf(dir, sizeof dir, "%s/intel-rapl:1/intel-rapl:1:0", dev);
    set_energy(root, dir, 250100);
    energy_sample s;
    CHECK(m.read(&m, &s) == 0 && fabs(s.joules - 1.75) < 1e-12 &&
              fabs(s.dram_joules - 0.75) < 1e-12,
          "package 1 J + DRAM 0.75 J (each zone counted once): %.9g J, dram %.9g J", s.joules,
          s.dram_joules);
    m.close(&m);

    /* Zones found through the control type folder alone. */
    const char *nested = fixture("control-type");
    zone(nested, "sys/class/powercap/intel-rapl/intel-rapl:0", "package-0", 0, 1000000);
    zone(nested, "sys/class/powercap/intel-rapl/intel-rapl:0/intel-rapl:0:0", "dram", 0,
         1000000);
    env = env_on(nested);
    if (CHECK(energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why) == 0,
              "zones under intel-rapl/ open: %s", why)) {
        CHECK(!strcmp(m.domain, "package+dram"), "nested dram found: %s", m.detail);
        m.close(&m);
    }
}

static void test_powercap_wrap(void)
{
    const char *root = fixture("wrap");
    const char *dir = "sys/class/powercap/intel-rapl:0";
    zone(root, dir, "package-0", 900000, 1000000);
    energy_env env = env_on(root);
    energy_meter m;
    char why[256] = "";
    if (!CHECK(energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why) == 0,
               "wrap fixture opens: %s", why))
        return;
    energy_sample s;
    set_energy(root, dir, 100000); /* lower than the last read: wrapped once */
    CHECK(m.read(&m, &s) == 0 && fabs(s.joules - 0.2) < 1e-12, "one wrap: %.9g J (0.2)",
          s.joules);
    set_energy(root, dir, 800000);
    CHECK(m.read(&m, &s) == 0 && fabs(s.joules - 0.9) < 1e-12, "after the wrap: %.9g J (0.9)",
          s.joules);
    set_energy(root, dir, 50000);
    CHECK(m.read(&m, &s) == 0 && fabs(s.joules - 1.15) < 1e-12, "two wraps: %.9g J (1.15)",
          s.joules);
    m.close(&m);
}

static void expect_powercap_failure(const char *root, const char *want1, const char *want2,
                                    const char *what)
{
    energy_env env = env_on(root);
    energy_meter m;
    char why[256] = "";
    int rc = energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why);
    if (rc == 0)
        m.close(&m);
    CHECK(rc == -1 && one_line(why) && has(why, want1) && has(why, want2) && has(why, "; "),
          "%s: rc %d, why: %s", what, rc, why);
}

static void test_powercap_unreadable(void)
{
    /* energy_uj a folder: reading it fails for root too (EISDIR). */
    const char *root = fixture("energy-is-dir");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 5, 1000000);
    char path[512];
    snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", root);
    remove(path);
    mkdir(path, 0755);
    expect_powercap_failure(root, path, strerror(EISDIR), "energy_uj is a folder");

    /* Opened, then the counter becomes unreadable: read reports the failure. */
    root = fixture("read-fails");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 5, 1000000);
    energy_env env = env_on(root);
    energy_meter m;
    char why[256] = "";
    if (CHECK(energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why) == 0,
              "opens: %s", why)) {
        snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", root);
        remove(path);
        energy_sample s = {42, 42};
        CHECK(m.read(&m, &s) == -1 && s.joules == 42, "a failed read returns -1, untouched");
        m.close(&m);
    }

    /* Root-only energy_uj, as since CVE-2020-8694. Root reads any file whatever its mode,
     * so when the test runs as root the open runs in a child that became nobody. */
    root = fixture("root-only");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 5, 1000000);
    snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/energy_uj", root);
    chmod(path, geteuid() == 0 ? 0400 : 0000);
    env = env_on(root);
    if (open_unprivileged("rapl-powercap", &env, why, sizeof why) != 0) {
        printf("NOT COUNTED: could not drop root privileges to test an unreadable energy_uj\n");
        return;
    }
    CHECK(one_line(why) && has(why, "permission denied") && has(why, "CVE-2020-8694") &&
              has(why, "sudo chmod a+r") && has(why, "intel-rapl:*/energy_uj"),
          "unreadable energy_uj: %s", why);
}

static void test_powercap_malformed(void)
{
    const char *root = fixture("no-zones");
    char want[300];
    snprintf(want, sizeof want, "no RAPL zones under %s/sys/class/powercap: this machine "
             "(often a VM) exposes no energy meter", root);
    expect_powercap_failure(root, want, "measured energy", "no zones");

    root = fixture("psys-only");
    zone(root, "sys/class/powercap/intel-rapl:1", "psys", 5, 1000000);
    expect_powercap_failure(root, "no RAPL package zone", "psys", "psys only");

    root = fixture("bad-number");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 5, 1000000);
    put(root, "sys/class/powercap/intel-rapl:0/energy_uj", "12ab\n");
    expect_powercap_failure(root, "malformed", "intel-rapl:0/energy_uj", "energy_uj 12ab");

    root = fixture("no-range");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 5, 1000000);
    char path[512];
    snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/max_energy_range_uj", root);
    remove(path);
    expect_powercap_failure(root, "max_energy_range_uj", strerror(ENOENT), "no range file");

    root = fixture("no-name");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 5, 1000000);
    snprintf(path, sizeof path, "%s/sys/class/powercap/intel-rapl:0/name", root);
    remove(path);
    expect_powercap_failure(root, "intel-rapl:0/name", strerror(ENOENT), "no name file");

    root = fixture("above-range");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 2000000, 1000000);
    expect_powercap_failure(root, "malformed", "max_energy_range_uj", "energy above its range");
}

/* A power PMU as Intel servers show it; type is a number no kernel PMU has. */
static const char *perf_fixture(const char *name, const char *paranoid)
{
    const char *root = fixture(name);
    const char *pmu = "sys/bus/event_source/devices/power";
    char rel[256];
    const char *files[][2] = {
        {"type", "4242\n"}, {"cpumask", "0,2\n"},
        {"events/energy-pkg", "event=0x02\n"},
        {"events/energy-pkg.scale", "2.3283064365386962890625e-10\n"},
        {"events/energy-pkg.unit", "Joules\n"},
        {"events/energy-ram", "event=0x03\n"},
        {"events/energy-ram.scale", "2.3283064365386962890625e-10\n"},
        {"events/energy-ram.unit", "Joules\n"},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(rel, sizeof rel, "%s/%s", pmu, files[i][0]);
        put(root, rel, files[i][1]);
    }
    put(root, "proc/sys/kernel/perf_event_paranoid", paranoid);
    return root;
}

static void expect_perf_parse_failure(const char *root, const char *want1, const char *want2)
{
    perf_power_pmu pmu;
    char why[256] = "";
    int rc = energy_perf_parse(root, &pmu, why, sizeof why);
    CHECK(rc == -1 && one_line(why) && has(why, want1) && has(why, want2) && has(why, "; "),
          "perf parse should fail naming %s: rc %d, %s", want1, rc, why);
}

static void test_perf(void)
{
    const char *root = perf_fixture("perf", "-1\n");
    perf_power_pmu pmu;
    char why[256] = "";
    if (CHECK(energy_perf_parse(root, &pmu, why, sizeof why) == 0, "PMU parses: %s", why)) {
        CHECK(pmu.type == 4242, "type %d", pmu.type);
        CHECK(pmu.pkg.present && pmu.pkg.config == 0x02 && pmu.pkg.scale == 0x1p-32,
              "energy-pkg config 0x%llx scale %.17g (2^-32)", pmu.pkg.config, pmu.pkg.scale);
        CHECK(pmu.ram.present && pmu.ram.config == 0x03 && pmu.ram.scale == 0x1p-32,
              "energy-ram config 0x%llx", pmu.ram.config);
        CHECK(pmu.ncpus == 2 && pmu.cpus[0] == 0 && pmu.cpus[1] == 2,
              "cpumask 0,2: %d cpus", pmu.ncpus);
        CHECK(pmu.paranoid_known && pmu.paranoid == -1, "paranoid %d", pmu.paranoid);
    }
    /* The bogus type: the kernel refuses the event, and the reason says where and why. */
    energy_env env = env_on(root);
    energy_meter m;
    int rc = energy_backend_find("rapl-perf")->open(&env, &m, why, sizeof why);
    if (rc == 0)
        m.close(&m);
    CHECK(rc == -1 && one_line(why) && has(why, "perf_event_open") && has(why, "type 4242") &&
              has(why, "config 0x2") && has(why, "perf_event_paranoid"),
          "perf_event_open on a bogus PMU type fails clearly: %s", why);

    const char *pmu_dir = "sys/bus/event_source/devices/power";
    char rel[256];
    root = perf_fixture("perf-amd", "0\n"); /* AMD: one CPU range, no energy-ram */
    put(root, "sys/bus/event_source/devices/power/cpumask", "0-1,4\n");
    snprintf(rel, sizeof rel, "%s/%s/events/energy-ram", root, pmu_dir);
    remove(rel);
    if (CHECK(energy_perf_parse(root, &pmu, why, sizeof why) == 0, "AMD PMU parses: %s", why))
        CHECK(!pmu.ram.present && pmu.ncpus == 3 && pmu.cpus[2] == 4,
              "no energy-ram, cpus 0-1,4: %d cpus", pmu.ncpus);

    expect_perf_parse_failure(fixture("perf-none"), "no perf power PMU", "often a VM");
    root = perf_fixture("perf-scale", "0\n");
    put(root, "sys/bus/event_source/devices/power/events/energy-pkg.scale", "abc\n");
    expect_perf_parse_failure(root, "events/energy-pkg.scale", "\"abc\"");
    root = perf_fixture("perf-unit", "0\n");
    put(root, "sys/bus/event_source/devices/power/events/energy-ram.unit", "Watts\n");
    expect_perf_parse_failure(root, "events/energy-ram.unit", "Joules");
    root = perf_fixture("perf-config", "0\n");
    put(root, "sys/bus/event_source/devices/power/events/energy-pkg", "umask=0x1\n");
    expect_perf_parse_failure(root, "events/energy-pkg", "event=");
    root = perf_fixture("perf-cpumask", "0\n");
    put(root, "sys/bus/event_source/devices/power/cpumask", "\n");
    expect_perf_parse_failure(root, "cpumask", "CPU list");
    root = perf_fixture("perf-no-pkg", "0\n");
    snprintf(rel, sizeof rel, "%s/%s/events/energy-pkg", root, pmu_dir);
    remove(rel);
    expect_perf_parse_failure(root, "no events/energy-pkg", pmu_dir);

    /* perf_event_paranoid 2 without CAP_PERFMON: the reason says how to allow it. */
    root = perf_fixture("perf-paranoid", "2\n");
    env = env_on(root);
    if (open_unprivileged("rapl-perf", &env, why, sizeof why) != 0) {
        printf("NOT COUNTED: could not drop privileges to test perf_event_paranoid\n");
        return;
    }
    CHECK(one_line(why) && has(why, "perf_event_paranoid is 2") && has(why, "CAP_PERFMON") &&
              has(why, "sudo sysctl kernel.perf_event_paranoid=0"),
          "paranoid 2 without privileges: %s", why);
}

static void test_papi(void)
{
    const char *names[] = {"papi-rapl", "papi-powercap"};
    energy_env env = env_on(""); /* PAPI reads the real machine */
    for (int i = 0; i < 2; i++) {
        energy_meter m;
        char why[256] = "";
        int rc = energy_backend_find(names[i])->open(&env, &m, why, sizeof why);
        const char *component = names[i] + 5;
        if (rc == 0) { /* a machine whose PAPI reads RAPL */
            energy_sample s;
            CHECK(m.measured && !strcmp(m.source, names[i]) && m.read(&m, &s) == 0 &&
                      s.joules >= 0,
                  "%s opened: reads %g J", names[i], s.joules);
            m.close(&m);
            continue;
        }
        CHECK(one_line(why) && has(why, "; "), "%s reason: %s", names[i], why);
#ifdef FW_HAVE_PAPI
        if (PAPI_get_component_index(component) < 0) {
            char want[64];
            snprintf(want, sizeof want, "has no %s component compiled in", component);
            CHECK(has(why, "PAPI ") && has(why, want), "%s: %s", names[i], why);
        } else {
            CHECK(has(why, component), "%s names its component: %s", names[i], why);
        }
#else
        (void)component;
        CHECK(!strcmp(why, "built without PAPI; install libpapi-dev and rebuild"), "%s: %s",
              names[i], why);
#endif
    }
#ifdef FW_HAVE_PAPI
    /* A fixture tree is not what PAPI would read: it stays out of such runs. */
    env = env_on(fixture("papi"));
    energy_meter m;
    char why[256] = "";
    CHECK(energy_backend_find("papi-rapl")->open(&env, &m, why, sizeof why) == -1 &&
              has(why, "PAPI reads the real system only"),
          "papi under a fixture root: %s", why);
#endif
}

static void test_nvml(void)
{
    energy_env env = env_on("");
    energy_meter m;
    char why[256] = "";
    int rc = energy_backend_find("nvml")->open(&env, &m, why, sizeof why);
    CHECK(rc == -1 && !strcmp(why, "libnvidia-ml-absent.so.1 not found: no NVIDIA driver on "
                                   "this machine"),
          "absent NVML: %s", why);

    const char *dir = getenv("FW_FIXTURES");
    char lib[512];
    snprintf(lib, sizeof lib, "%s/fake_nvml.so", dir ? dir : "(FW_FIXTURES unset)");
    if (!CHECK(access(lib, R_OK) == 0, "stand-in NVML %s exists (run through run_tests.sh)",
               lib))
        return;
    env.nvml_library = lib;
    if (!CHECK(energy_backend_find("nvml")->open(&env, &m, why, sizeof why) == 0,
               "fake NVML opens: %s", why))
        return;
    CHECK(!strcmp(m.source, "nvml") && !strcmp(m.domain, "gpu-board") && m.measured,
          "source %s domain %s", m.source, m.domain);
    CHECK(has(m.detail, "2 devices") && has(m.detail, "Fake GPU 0") &&
              has(m.detail, "Fake GPU 1"),
          "detail: %s", m.detail);
    energy_sample s;
    CHECK(m.read(&m, &s) == 0 && s.joules == 4.0 && isnan(s.dram_joules),
          "1.5 J + 2.5 J per read, summed over the 2 devices: %g J", s.joules);
    CHECK(m.read(&m, &s) == 0 && s.joules == 8.0, "cumulative since open: %g J", s.joules);
    m.close(&m);

    setenv("FAKE_NVML_NO_ENERGY", "1", 1);
    rc = energy_backend_find("nvml")->open(&env, &m, why, sizeof why);
    unsetenv("FAKE_NVML_NO_ENERGY");
    if (rc == 0)
        m.close(&m);
    CHECK(rc == -1 && one_line(why) && has(why, "GPU 0 (Fake GPU 0)") && has(why, "Volta"),
          "a board without an energy counter: %s", why);
}

static energy_env cpu_env(const char *vendor, int family, int model, int stepping,
                          int implementer, int part)
{
    energy_env env = env_on("");
    env.cpu_vendor = vendor;
    env.cpu_family = family;
    env.cpu_model = model;
    env.cpu_stepping = stepping;
    env.arm_implementer = implementer;
    env.arm_part = part;
    return env;
}

static void expect_row(energy_env env, const char *name, double wmin, double wmax,
                       int assumed, const char *note)
{
    power_model_row row;
    char why[256] = "";
    if (!CHECK(energy_model_find(MODEL_FILE, &env, &row, why, sizeof why) == 0,
               "%s has a row: %s", name, why))
        return;
    CHECK(has(row.name, name) && row.watts_min == wmin && row.watts_max == wmax &&
              row.assumed == assumed && has(row.note, note) &&
              has(row.source, "Cloud Carbon Footprint"),
          "%s: row %s (line %d) %.2f-%.2f assumed %d note \"%s\"", name, row.name, row.line,
          row.watts_min, row.watts_max, row.assumed, row.note);
}

static void test_model_rows(void)
{
    expect_row(cpu_env("AuthenticAMD", 0x19, 0x01, 1, -1, -1), "EPYC 3rd gen (Milan)", 0.45,
               2.02, 0, "");
    expect_row(cpu_env("AuthenticAMD", 0x17, 0x31, 0, -1, -1), "EPYC 2nd gen (Rome)", 0.47,
               1.69, 0, "");
    expect_row(cpu_env("AuthenticAMD", 0x17, 0x01, 2, -1, -1), "EPYC 1st gen", 0.82, 2.55, 0,
               "");
    expect_row(cpu_env("GenuineIntel", 6, 0x55, 7, -1, -1), "Cascade Lake", 0.64, 3.97, 0, "");
    expect_row(cpu_env("GenuineIntel", 6, 0x55, 4, -1, -1), "Skylake", 0.65, 4.26, 0, "");
    expect_row(cpu_env("GenuineIntel", 6, 0x4f, 1, -1, -1), "Broadwell", 0.71, 3.69, 0, "");
    expect_row(cpu_env("GenuineIntel", 6, 0x3f, 2, -1, -1), "Haswell", 1.00, 4.74, 0, "");
    expect_row(cpu_env("ARM", -1, -1, -1, 0x41, 0xd0c), "Graviton2", 0.47, 1.69, 1,
               "equal to EPYC 2nd gen (not measured)");
    expect_row(cpu_env("AuthenticAMD", 0x1a, 0x02, 1, -1, -1), "Zen 5", 0.45, 2.02, 1,
               "assumed equal to EPYC 3rd gen (no published coefficients for AMD family "
               "0x1a)");
    expect_row(cpu_env("AuthenticAMD", 0x19, 0x11, 1, -1, -1), "Zen 4", 0.45, 2.02, 1,
               "assumed equal to EPYC 3rd gen");

    energy_env alder = cpu_env("GenuineIntel", 6, 0x97, 2, -1, -1);
    power_model_row row;
    char why[256] = "";
    CHECK(energy_model_find(MODEL_FILE, &alder, &row, why, sizeof why) == -1 &&
              one_line(why) && has(why, "no row of") &&
              has(why, "GenuineIntel family 0x6 model 0x97"),
          "a CPU without a row: %s", why);
}

static void test_model_formula(void)
{
    /* 4 vCPUs, 10 s, 20 s of CPU: u = 0.5, W = 4 * (0.5 + 0.5 * 2) = 6 W -> 60 J. */
    CHECK(energy_model_joules(0.5, 2.5, 4, 10, 20) == 60, "half load: %g J",
          energy_model_joules(0.5, 2.5, 4, 10, 20));
    CHECK(energy_model_joules(0.5, 2.5, 4, 10, 0) == 20, "at rest: vCPUs * Wmin * s = %g J",
          energy_model_joules(0.5, 2.5, 4, 10, 0));
    CHECK(energy_model_joules(0.5, 2.5, 4, 10, 40) == 100, "full load: vCPUs * Wmax * s");
    CHECK(energy_model_joules(0.5, 2.5, 4, 10, 55) == 100,
          "CPU time beyond wall x vCPUs counts as full load: %g J",
          energy_model_joules(0.5, 2.5, 4, 10, 55));
    CHECK(fabs(energy_model_joules(0.45, 2.02, 2, 1, 1) - 2.47) < 1e-12,
          "Zen 5 row, 2 vCPUs, one busy for 1 s: 0.9 + 1.57 J = %.15g",
          energy_model_joules(0.45, 2.02, 2, 1, 1));
}

static void test_model_meter(void)
{
    energy_env env = env_on("");
    energy_meter m;
    char why[256] = "";
    if (!CHECK(energy_backend_find("model")->open(&env, &m, why, sizeof why) == 0,
               "model opens for Zen 5: %s", why))
        return;
    CHECK(!strcmp(m.source, "model") && !strcmp(m.domain, "model") && m.measured == 0,
          "labelled model: %s %s %d", m.source, m.domain, m.measured);
    CHECK(has(m.detail, "AMD family 0x1a (Zen 5)") && has(m.detail, "0.45-2.02 W/vCPU x 2 vCPUs")
              && has(m.detail, "assumed equal to EPYC 3rd gen (no published coefficients for "
                               "AMD family 0x1a)")
              && has(m.detail, "Cloud Carbon Footprint"),
          "detail: %s", m.detail);
    energy_sample a, b;
    CHECK(m.read(&m, &a) == 0 && m.read(&m, &b) == 0 && a.joules >= 0 && b.joules >= a.joules
              && isnan(b.dram_joules),
          "model joules grow from 0: %g then %g", a.joules, b.joules);
    m.close(&m);

    env.vcpus = 0;
    CHECK(energy_backend_find("model")->open(&env, &m, why, sizeof why) == -1 &&
              has(why, "vCPU"), "no vCPU count: %s", why);
}

static void expect_bad_model(const char *csv, const char *want1, const char *want2)
{
    const char *dir = fixture("models");
    static int n;
    char path[512];
    snprintf(path, sizeof path, "%s/model%d.csv", dir, n++);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(csv, f);
        fclose(f);
    }
    energy_env env = env_on("");
    power_model_row row;
    char why[256] = "";
    int rc = energy_model_find(path, &env, &row, why, sizeof why);
    CHECK(rc == -1 && one_line(why) && has(why, path) && has(why, want1) && has(why, want2),
          "model file should fail with %s / %s: %s", want1, want2, why);
}

#define HEADER "match,name,watts_per_vcpu_min,watts_per_vcpu_max,assumed,note,source\n"
#define ZEN5 "AuthenticAMD family 0x1a,Zen 5,0.45,2.02,yes,assumed,CCF\n"

static void test_model_file(void)
{
    expect_bad_model("match,name,min,max\n" ZEN5, "line 1", "header");
    expect_bad_model(HEADER ZEN5 "AuthenticAMD family 0x19,Milan,zero,2.02,no,,CCF\n",
                     "line 3", "watts");
    expect_bad_model(HEADER "AuthenticAMD family 0x1a,Zen 5,0.45,2.02\n", "line 2", "fields");
    expect_bad_model(HEADER "AuthenticAMD famly 0x1a,Zen 5,0.45,2.02,no,,CCF\n", "line 2",
                     "famly");
    expect_bad_model(HEADER "AuthenticAMD family 0x1a,Zen 5,0.45,2.02,yes,,CCF\n", "line 2",
                     "note");
    expect_bad_model(HEADER "AuthenticAMD family 0x1a,\"Zen 5,0.45,2.02,no,,CCF\n", "line 2",
                     "quote");
    expect_bad_model(HEADER "AuthenticAMD family 0x1a,Zen 5,2.02,0.45,no,,CCF\n", "line 2",
                     "min <= max");
    expect_bad_model("", "empty", "header");
    expect_bad_model(HEADER "GenuineIntel family 6,Intel,0.5,1,no,,CCF\n", "no row", "0x1a");

    char missing[300];
    snprintf(missing, sizeof missing, "%s/models/absent.csv", top);
    energy_env env = env_on("");
    power_model_row row;
    char why[256] = "";
    CHECK(energy_model_find(missing, &env, &row, why, sizeof why) == -1 && has(why, missing) &&
              has(why, strerror(ENOENT)),
          "missing model file: %s", why);

    /* Quoted fields keep their commas. */
    const char *dir = fixture("models");
    char path[512];
    snprintf(path, sizeof path, "%s/quoted.csv", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(HEADER "AuthenticAMD family 0x1a,\"Zen 5, \"\"Turin\"\"\",0.45,2.02,no,,"
                     "\"CCF, SPECpower\"\n", f);
        fclose(f);
    }
    CHECK(energy_model_find(path, &env, &row, why, sizeof why) == 0 &&
              !strcmp(row.name, "Zen 5, \"Turin\"") && !strcmp(row.source, "CCF, SPECpower"),
          "quoted fields: %s / %s (%s)", row.name, row.source, why);

    /* Rows are tried in file order: a specific row ahead of a vendor-wide one wins. */
    snprintf(path, sizeof path, "%s/order.csv", dir);
    f = fopen(path, "w");
    if (f) {
        fputs(HEADER "AuthenticAMD family 0x1a model 0x02,Specific,0.4,2,no,,CCF\n"
                     "AuthenticAMD,Any AMD,0.5,3,no,,CCF\n", f);
        fclose(f);
    }
    CHECK(energy_model_find(path, &env, &row, why, sizeof why) == 0 &&
              !strcmp(row.name, "Specific") && row.line == 2,
          "first matching row: %s (line %d) %s", row.name, row.line, why);
    env.cpu_model = 0x44;
    CHECK(energy_model_find(path, &env, &row, why, sizeof why) == 0 &&
              !strcmp(row.name, "Any AMD") && row.line == 3,
          "vendor-wide row for another model: %s (line %d) %s", row.name, row.line, why);
}

static void test_env_default(void)
{
    const char *root = fixture("env");
    put(root, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n"
                              "model\t\t: 1\nstepping\t: 1\n\nprocessor\t: 1\n\n"
                              "processor\t: 2\n\nprocessor\t: 3\n");
    setenv("FLOPWATT_SYSFS_ROOT", root, 1);
    setenv("FLOPWATT_NVML_LIB", "/opt/nvml/libnvidia-ml.so.1", 1);
    setenv("FLOPWATT_POWER_MODEL", "/tmp/model.csv", 1);
    energy_env env;
    energy_env_default(&env);
    CHECK(!strcmp(env.sysfs_root, root) && !strcmp(env.nvml_library,
                                                   "/opt/nvml/libnvidia-ml.so.1") &&
              !strcmp(env.model_file, "/tmp/model.csv"),
          "overrides: %s %s %s", env.sysfs_root, env.nvml_library, env.model_file);
    CHECK(!strcmp(env.cpu_vendor, "AuthenticAMD") && env.cpu_family == 25 &&
              env.cpu_model == 1 && env.cpu_stepping == 1 && env.arm_implementer == -1 &&
              env.vcpus == 4,
          "the fixture's CPU (Milan, 4 vCPUs): %s %d %d %d, %d vCPUs", env.cpu_vendor,
          env.cpu_family, env.cpu_model, env.cpu_stepping, env.vcpus);
    unsetenv("FLOPWATT_SYSFS_ROOT");
    unsetenv("FLOPWATT_NVML_LIB");
    unsetenv("FLOPWATT_POWER_MODEL");
    energy_env_default(&env);
    size_t n = strlen(env.model_file);
    CHECK(!strcmp(env.sysfs_root, "") && !strcmp(env.nvml_library, "libnvidia-ml.so.1") &&
              n >= 26 && !strcmp(env.model_file + n - 26, "bench/data/power_model.csv") &&
              env.vcpus >= 1 && env.cpu_vendor[0],
          "defaults: \"%s\" %s %s, %s with %d vCPUs", env.sysfs_root, env.nvml_library,
          env.model_file, env.cpu_vendor, env.vcpus);
}

static void test_backend_table(void)
{
    const char *order[] = {"rapl-powercap", "rapl-perf", "papi-rapl", "papi-powercap", "model",
                           "nvml"};
    CHECK(energy_backend_count() == 6, "%d backends", energy_backend_count());
    for (int i = 0; i < 6; i++)
        CHECK(energy_backend_at(i) && !strcmp(energy_backend_at(i)->name, order[i]) &&
                  energy_backend_find(order[i]) == energy_backend_at(i),
              "backend %d is %s", i, order[i]);
    CHECK(!energy_backend_at(6) && !energy_backend_at(-1) && !energy_backend_find("rapl"),
          "out of range and unknown names give NULL");
}

static void test_open_cpu(void)
{
    /* A powercap meter: chosen first. */
    const char *root = fixture("cpu-rapl");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 0, 1000000);
    energy_env env = env_on(root);
    energy_meter m;
    energy_status status[8];
    int n = energy_open_cpu(&env, &m, status, 8);
    CHECK(n == 1 && !strcmp(status[0].name, "rapl-powercap") && status[0].available &&
              !strcmp(m.source, "rapl-powercap"),
          "powercap present: %d tried, meter %s", n, n > 0 ? m.source : "none");
    if (n > 0)
        m.close(&m);

    /* No meter: every CPU meter says why and how to get one; the model is opened. */
    env = env_on(fixture("cpu-none"));
    n = energy_open_cpu(&env, &m, status, 8);
    const char *order[] = {"rapl-powercap", "rapl-perf", "papi-rapl", "papi-powercap", "model"};
    if (CHECK(n == 5 && !strcmp(m.source, "model"), "no meter: %d tried, the model opened", n)) {
        for (int i = 0; i < 4; i++)
            CHECK(!strcmp(status[i].name, order[i]) && !status[i].available &&
                      one_line(status[i].why) && has(status[i].why, "; "),
                  "%s: %s", order[i], status[i].why);
        CHECK(!strcmp(status[4].name, "model") && status[4].available && !status[4].why[0],
              "model available");
        CHECK(has(status[0].why, "no RAPL zones") && has(status[1].why, "no perf power PMU"),
              "reasons: %s / %s", status[0].why, status[1].why);
        m.close(&m);
    }
    n = energy_open_cpu(&env, &m, status, 2);
    CHECK(n == 2 && !strcmp(m.source, "model"), "status room for 2: %d filled, still %s", n,
          m.source);
    if (n > 0)
        m.close(&m);

    env.model_file = "/nonexistent/power_model.csv";
    n = energy_open_cpu(&env, &m, status, 8);
    CHECK(n == -1 && !status[4].available && has(status[4].why, "/nonexistent/power_model.csv"),
          "nothing opens: %d, model says %s", n, status[4].why);
}

static void test_probe_all(void)
{
    const char *root = fixture("probe");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 0, 1000000);
    energy_env env = env_on(root);
    const char *dir = getenv("FW_FIXTURES");
    char lib[512];
    snprintf(lib, sizeof lib, "%s/fake_nvml.so", dir ? dir : "");
    env.nvml_library = lib;
    energy_status status[8];
    int n = energy_probe_all(&env, status, 8);
    CHECK(n == 6 && status[0].available && !status[1].available && status[4].available &&
              !strcmp(status[5].name, "nvml") && status[5].available == (dir != NULL),
          "probe: %d backends; powercap %d perf %d model %d nvml %d (%s)", n,
          status[0].available, status[1].available, status[4].available, status[5].available,
          status[5].why);
    CHECK(energy_probe_all(&env, status, 3) == 3, "probe fills no more than its room");
}

/* A meter whose every read adds 10 J, for the idle baseline's arithmetic. */
static int ten_joules_per_read(energy_meter *m, energy_sample *out)
{
    int *reads = m->state;
    out->joules = 10.0 * ++*reads;
    out->dram_joules = NAN;
    return 0;
}

static int failing_read(energy_meter *m, energy_sample *out)
{
    (void)m, (void)out;
    return -1;
}

static void test_idle_watts(void)
{
    const char *root = fixture("idle");
    zone(root, "sys/class/powercap/intel-rapl:0", "package-0", 123, 1000000);
    energy_env env = env_on(root);
    energy_meter m;
    char why[256] = "";
    double watts = -1;
    if (CHECK(energy_backend_find("rapl-powercap")->open(&env, &m, why, sizeof why) == 0,
              "idle fixture opens: %s", why)) {
        CHECK(energy_idle_watts(&m, 0.02, &watts) == 0 && watts == 0,
              "a counter that does not move: %g W", watts);
        m.close(&m);
    }
    int reads = 0;
    energy_meter stepping = {.read = ten_joules_per_read, .state = &reads};
    watts = -1;
    /* 10 J over at least the 0.05 s slept: at most 200 W, and positive. */
    CHECK(energy_idle_watts(&stepping, 0.05, &watts) == 0 && reads == 2 && watts > 0 &&
              watts <= 200,
          "10 J across a 0.05 s sleep: %g W after %d reads", watts, reads);
    energy_meter broken = {.read = failing_read};
    CHECK(energy_idle_watts(&broken, 0.01, &watts) == -1, "a failing meter gives -1");
    CHECK(energy_idle_watts(&stepping, 0, &watts) == -1, "no time to measure gives -1");
}

int main(void)
{
    if (scratch_dir(top, sizeof top, "energy") != 0) {
        CHECK(0, "mkdtemp: %s", strerror(errno));
        return fw_test_summary();
    }
    chmod(top, 0755); /* the unprivileged checks read it as nobody */
    test_powercap_packages();
    test_powercap_dram();
    test_powercap_wrap();
    test_powercap_unreadable();
    test_powercap_malformed();
    test_perf();
    test_papi();
    test_nvml();
    test_model_rows();
    test_model_formula();
    test_model_meter();
    test_model_file();
    test_env_default();
    test_backend_table();
    test_open_cpu();
    test_probe_all();
    test_idle_watts();
    scratch_remove(top);
    return fw_test_summary();
}
