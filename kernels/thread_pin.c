/* Binding of worker threads with hwloc, where it is installed. Units are cores (spread) or
 * hardware threads in hwloc's logical order, where SMT siblings are neighbours (compact).
 * Thread 0 is the caller's own thread and keeps whatever binding the application gave it;
 * worker t goes to the unit t places after the caller's, so a spread team of N uses N
 * distinct cores, and a compact team shares cores (and their caches) first. Counting from
 * unit 0 instead put worker 1 on the caller's core whenever the caller ran there: the two
 * shared it until the scheduler moved the caller, and the first calls of a process took
 * 4-8 ms each for 20-30 ms, in multiples of 4 ms (2-thread dgemv 256^2, 8 us later, on a
 * 2-vCPU VM). Skipped when FLOPWATT_PIN=0 or when the OpenMP runtime binds already
 * (OMP_PROC_BIND / OMP_PLACES). */
#include "gemm_problem.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#ifdef FW_HAVE_HWLOC
#include <hwloc.h>
#include <pthread.h>

static hwloc_topology_t topology;
static int topology_state; /* 0 unloaded, 1 loaded, -1 unusable or disabled */
static pthread_once_t topology_once = PTHREAD_ONCE_INIT;
/* By OS CPU number: the logical index of its hardware thread and of its core (-1: none). */
static int *pu_of_cpu, *core_of_cpu;
static int cpus_known;

static int build_cpu_tables(void)
{
    const int pus = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
    const int last = hwloc_bitmap_last(hwloc_topology_get_topology_cpuset(topology));
    cpus_known = last >= 0 ? last + 1 : 0;
    pu_of_cpu = malloc((size_t)(cpus_known ? cpus_known : 1) * sizeof *pu_of_cpu);
    core_of_cpu = malloc((size_t)(cpus_known ? cpus_known : 1) * sizeof *core_of_cpu);
    if (!pu_of_cpu || !core_of_cpu)
        return -1;
    for (int c = 0; c < cpus_known; c++)
        pu_of_cpu[c] = core_of_cpu[c] = -1;
    for (int i = 0; i < pus; i++) {
        hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, i);
        if (!pu || (int)pu->os_index >= cpus_known)
            continue;
        hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topology, HWLOC_OBJ_CORE, pu);
        pu_of_cpu[pu->os_index] = (int)pu->logical_index;
        core_of_cpu[pu->os_index] = core ? (int)core->logical_index : -1;
    }
    return 0;
}

static void load_topology(void)
{
    const char *pin = getenv("FLOPWATT_PIN");
    if ((pin && strcmp(pin, "0") == 0) || getenv("OMP_PROC_BIND") || getenv("OMP_PLACES")) {
        topology_state = -1;
        return;
    }
    if (hwloc_topology_init(&topology) != 0 || hwloc_topology_load(topology) != 0 ||
        build_cpu_tables() != 0) {
        topology_state = -1;
        return;
    }
    topology_state = 1;
}

int fw_pin_home(int bind)
{
    pthread_once(&topology_once, load_topology);
    if (topology_state != 1)
        return 0;
    int cpu = sched_getcpu();
    if (cpu < 0 || cpu >= cpus_known)
        return 0;
    int unit = bind == FW_BIND_COMPACT ? pu_of_cpu[cpu] : core_of_cpu[cpu];
    return unit > 0 ? unit : 0;
}

void fw_pin_thread(int tid, int team_size, int bind, int home)
{
    /* What this thread is bound for: pinning again costs a system call. */
    static _Thread_local struct { int team_size, bind, home; } pinned_for;
    if (tid == 0 || (pinned_for.team_size == team_size && pinned_for.bind == bind &&
                     pinned_for.home == home))
        return;
    pinned_for.team_size = team_size;
    pinned_for.bind = bind;
    pinned_for.home = home;
    pthread_once(&topology_once, load_topology);
    if (topology_state != 1)
        return;
    hwloc_obj_type_t unit = bind == FW_BIND_COMPACT ? HWLOC_OBJ_PU : HWLOC_OBJ_CORE;
    int units = hwloc_get_nbobjs_by_type(topology, unit);
    if (units <= 0)
        return;
    hwloc_obj_t obj = hwloc_get_obj_by_type(topology, unit, (home + tid) % units);
    if (obj && obj->cpuset)
        hwloc_set_cpubind(topology, obj->cpuset, HWLOC_CPUBIND_THREAD);
}
#else
int fw_pin_home(int bind)
{
    (void)bind;
    return 0;
}

void fw_pin_thread(int tid, int team_size, int bind, int home)
{
    (void)tid;
    (void)team_size;
    (void)bind;
    (void)home;
}
#endif
