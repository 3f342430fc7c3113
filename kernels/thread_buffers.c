/* Per-thread packing buffers: allocated on a thread's first call, grown when a call needs
 * more, reused otherwise, and freed when the thread exits (OpenMP workers live on). */
#include "gemm_problem.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

#define FW_BUFFER_SLOTS 2

typedef struct {
    void *ptr[FW_BUFFER_SLOTS];
    size_t size[FW_BUFFER_SLOTS];
} thread_buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *arg)
{
    thread_buffers *tb = arg;
    for (int i = 0; i < FW_BUFFER_SLOTS; i++)
        free(tb->ptr[i]);
    free(tb);
}

static void make_key(void) { pthread_key_create(&buffers_key, free_buffers); }

void *fw_thread_buffer(int slot, size_t bytes)
{
    pthread_once(&buffers_once, make_key);
    thread_buffers *tb = pthread_getspecific(buffers_key);
    if (!tb) {
        tb = calloc(1, sizeof *tb);
        if (!tb)
            abort();
        pthread_setspecific(buffers_key, tb);
    }
    if (tb->size[slot] < bytes) {
        free(tb->ptr[slot]);
        /* Round up to whole 4 KiB pages: aligned_alloc wants a multiple of the alignment,
         * and small growth steps would otherwise reallocate often. */
        size_t rounded = (bytes + 4095) & ~(size_t)4095;
        /* A buffer of 2 MiB or more (the packed B panel) goes on transparent huge pages
         * where the kernel allows them on request: the microkernels walk a new B
         * micro-panel every few calls, and 4 KiB pages cost TLB misses there (1-5% on
         * 2048^3 on 1 thread, interleaved against 4 KiB pages). */
        if (rounded >= HUGE_PAGE) {
            rounded = (rounded + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
            tb->ptr[slot] = aligned_alloc(HUGE_PAGE, rounded);
            if (tb->ptr[slot])
                madvise(tb->ptr[slot], rounded, MADV_HUGEPAGE);
        } else {
            tb->ptr[slot] = aligned_alloc(64, rounded);
        }
        if (!tb->ptr[slot])
            abort();
        tb->size[slot] = rounded;
    }
    return tb->ptr[slot];
}
