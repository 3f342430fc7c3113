/* Worker threads of GEMM and GEMV teams are bound with hwloc: spread puts worker t on the
 * core t places after the caller's, compact on the hardware thread t places after the
 * caller's. The caller is bound to the last unit for each case, so worker 1 must wrap round
 * to the first, away from it. A worker's binding is read back through the OpenMP runtime's
 * thread pool, which runs the next team of the same size on the same threads; between cases
 * the workers are unbound again, and each case uses a team size and binding not used before,
 * since a thread is bound once per size, binding and caller's unit. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sched_getaffinity, cpu_set_t */
#endif
#include <omp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "fw_internal.h"
#include "testlib.h"

#ifdef FW_HAVE_HWLOC
#include <hwloc.h>
#include <hwloc/glibc-sched.h>

/* The CPU sets of members 1 .. team-1 of a parallel region of team threads. */
static int worker_sets(int team, cpu_set_t *sets)
{
    int got = 0;
#pragma omp parallel num_threads(team)
    {
        int t = omp_get_thread_num();
        if (t > 0 && sched_getaffinity(0, sizeof sets[t], &sets[t]) == 0) {
#pragma omp atomic
            got++;
        }
    }
    return got == team - 1;
}

static void unbind_workers(int team, const cpu_set_t *all)
{
#pragma omp parallel num_threads(team)
    if (omp_get_thread_num() > 0)
        sched_setaffinity(0, sizeof *all, all);
}

static int unit_count(hwloc_topology_t topo, int bind)
{
    return hwloc_get_nbobjs_by_type(topo, bind == FW_BIND_COMPACT ? HWLOC_OBJ_PU
                                                                   : HWLOC_OBJ_CORE);
}

/* The CPU set of unit u (counted as bind counts them, wrapping round); 0 when the topology
 * has no such units (the library then binds nothing). */
static int unit_set(hwloc_topology_t topo, int bind, int u, cpu_set_t *out)
{
    hwloc_obj_type_t unit = bind == FW_BIND_COMPACT ? HWLOC_OBJ_PU : HWLOC_OBJ_CORE;
    int units = hwloc_get_nbobjs_by_type(topo, unit);
    hwloc_obj_t obj = units > 0 ? hwloc_get_obj_by_type(topo, unit, u % units) : NULL;
    CPU_ZERO(out);
    return obj && obj->cpuset &&
           hwloc_cpuset_to_glibc_sched_affinity(topo, obj->cpuset, out, sizeof *out) == 0;
}

typedef enum { CASE_GEMV_ROWS, CASE_GEMV_COLUMNS, CASE_GEMM } pin_case;

/* Runs one call of the case on a team bound as bind, then checks every worker's set. */
static void check_case(hwloc_topology_t topo, const cpu_set_t *all, pin_case c, int team,
                       int bind, const char *what)
{
    enum { N = 1024 };
    /* The caller on the last unit: worker t belongs on unit t - 1. */
    const int home = unit_count(topo, bind) - 1;
    cpu_set_t caller;
    if (!CHECK(unit_set(topo, bind, home, &caller) &&
                   sched_setaffinity(0, sizeof caller, &caller) == 0,
               "%s: binding the caller to unit %d", what, home))
        return;
    double *a = calloc((size_t)N * N, sizeof *a), *x = calloc(N, sizeof *x),
           *y = calloc(N, sizeof *y), *cm = calloc((size_t)N * N, sizeof *cm);
    if (!CHECK(a && x && y && cm, "%s: memory", what))
        goto out;
    fw_config cfg;
    fw_model_config(FW_F64, FW_CLASS_SQUARE, &cfg);
    cfg.threads = team;
    cfg.bind = bind;
    cfg.gemv_min_per_thread = 1;
    cfg.gemv_n_split_cols = c == CASE_GEMV_COLUMNS ? 1 : 0;
    cfg.jc_ways = cfg.ic_ways = cfg.jr_ways = 0;
    int rc = c == CASE_GEMM ? fw_dgemm_ex(FW_COL_MAJOR, FW_NO_TRANS, FW_NO_TRANS, N, N, N, 1, a,
                                          N, a, N, 0, cm, N, &cfg)
                            : fw_dgemv_ex(FW_COL_MAJOR, FW_NO_TRANS, N, N, 1, a, N, x, 1, 0, y,
                                          1, &cfg);
    cpu_set_t sets[4];
    if (!CHECK(rc == 0 && worker_sets(team, sets), "%s: call and read back (rc %d)", what, rc))
        goto out;
    for (int t = 1; t < team; t++) {
        cpu_set_t want;
        const int known = unit_set(topo, bind, home + t, &want);
        CHECK(known && CPU_EQUAL(&sets[t], &want),
              "%s: worker %d is not bound to unit %d, %d after the caller's (%d CPU(s) in its "
              "set)", what, t, (home + t) % unit_count(topo, bind), t, CPU_COUNT(&sets[t]));
    }
    unbind_workers(team, all);
out:
    sched_setaffinity(0, sizeof *all, all);
    free(a);
    free(x);
    free(y);
    free(cm);
}

int main(void)
{
    const char *pin = getenv("FLOPWATT_PIN");
    if ((pin && strcmp(pin, "0") == 0) || getenv("OMP_PROC_BIND") || getenv("OMP_PLACES")) {
        printf("SKIP binding of worker threads: turned off by the environment\n");
        return fw_test_summary();
    }
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0) {
        printf("SKIP binding of worker threads: hwloc cannot load the topology\n");
        return fw_test_summary();
    }
    /* Workers start with the process's set; a binding must differ from it to be seen. */
    cpu_set_t all, one;
    CPU_ZERO(&all);
    if (!unit_set(topo, FW_BIND_SPREAD, 1, &one) || !unit_set(topo, FW_BIND_COMPACT, 1, &one) ||
        sched_getaffinity(0, sizeof all, &all) != 0 || CPU_EQUAL(&all, &one)) {
        printf("SKIP binding of worker threads: no second core or PU to tell apart\n");
        hwloc_topology_destroy(topo);
        return fw_test_summary();
    }
    check_case(topo, &all, CASE_GEMV_ROWS, 2, FW_BIND_SPREAD, "GEMV, rows split, spread");
    check_case(topo, &all, CASE_GEMV_COLUMNS, 2, FW_BIND_COMPACT, "GEMV, columns split, compact");
    check_case(topo, &all, CASE_GEMM, 3, FW_BIND_SPREAD, "GEMM, 3 threads, spread");
    hwloc_topology_destroy(topo);
    return fw_test_summary();
}
#else
int main(void)
{
    printf("SKIP binding of worker threads: built without hwloc\n");
    return fw_test_summary();
}
#endif
