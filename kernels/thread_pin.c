/* Binding of worker threads with hwloc, where it is installed. Spread: worker t of a team
 * goes to core t mod cores, so a team of N uses N distinct cores. Compact: worker t goes to
 * hardware thread t mod PUs in hwloc's logical order, where SMT siblings are neighbours, so
 * a team shares cores (and their caches) first. Thread 0 is the caller's own thread and
 * keeps whatever binding the application gave it. Skipped when
 * FLOPWATT_PIN=0 or when the OpenMP runtime binds already (OMP_PROC_BIND / OMP_PLACES). */
#include "gemm_problem.h"

#include <stdlib.h>
#include <string.h>

#ifdef FW_HAVE_HWLOC
#include <hwloc.h>
#include <pthread.h>

static hwloc_topology_t topology;
static int topology_state; /* 0 unloaded, 1 loaded, -1 unusable or disabled */
static pthread_once_t topology_once = PTHREAD_ONCE_INIT;

static void load_topology(void)
{
    const char *pin = getenv("FLOPWATT_PIN");
    if ((pin && strcmp(pin, "0") == 0) || getenv("OMP_PROC_BIND") || getenv("OMP_PLACES")) {
        topology_state = -1;
        return;
    }
    if (hwloc_topology_init(&topology) != 0 || hwloc_topology_load(topology) != 0) {
        topology_state = -1;
        return;
    }
    topology_state = 1;
}

void fw_pin_thread(int tid, int team_size, int bind)
{
    /* Team size and binding this thread is bound for: pinning again costs a system call. */
    static _Thread_local int pinned_for = 0;
    const int key = team_size * 2 + (bind == FW_BIND_COMPACT);
    if (tid == 0 || pinned_for == key)
        return;
    pinned_for = key;
    pthread_once(&topology_once, load_topology);
    if (topology_state != 1)
        return;
    hwloc_obj_type_t unit = bind == FW_BIND_COMPACT ? HWLOC_OBJ_PU : HWLOC_OBJ_CORE;
    int units = hwloc_get_nbobjs_by_type(topology, unit);
    if (units <= 0)
        return;
    hwloc_obj_t obj = hwloc_get_obj_by_type(topology, unit, tid % units);
    if (obj && obj->cpuset)
        hwloc_set_cpubind(topology, obj->cpuset, HWLOC_CPUBIND_THREAD);
}
#else
void fw_pin_thread(int tid, int team_size, int bind)
{
    (void)tid;
    (void)team_size;
    (void)bind;
}
#endif
