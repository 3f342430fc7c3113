/* Binding of worker threads to cores with hwloc, where it is installed. Worker t of a team
 * goes to core t mod cores, so a team of N uses N distinct cores; thread 0 is the caller's
 * own thread and keeps whatever binding the application gave it. Skipped when
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

void fw_pin_thread(int tid, int team_size)
{
    static _Thread_local int pinned_for = 0; /* team size this thread is bound for */
    if (tid == 0 || pinned_for == team_size)
        return;
    pinned_for = team_size;
    pthread_once(&topology_once, load_topology);
    if (topology_state != 1)
        return;
    int cores = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
    if (cores <= 0)
        return;
    hwloc_obj_t core = hwloc_get_obj_by_type(topology, HWLOC_OBJ_CORE, tid % cores);
    if (core && core->cpuset)
        hwloc_set_cpubind(topology, core->cpuset, HWLOC_CPUBIND_THREAD);
}
#else
void fw_pin_thread(int tid, int team_size)
{
    (void)tid;
    (void)team_size;
}
#endif
