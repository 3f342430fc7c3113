/* The planning models of the GEMM driver on synthetic inputs: fw_model_blocking (MC, KC, NC
 * from a cache description, the formulas of DESIGN.md section 2) and fw_choose_ways (the split
 * of a thread count over the jc, ic and jr loops). */
#include "fw_internal.h"
#include "gemm_problem.h"
#include "testlib.h"

#include <string.h>

#define KIB 1024L
#define MIB (1024L * 1024L)

static fw_cache_info caches(long l1, int w1, long l2, int w2, long l3, int w3)
{
    fw_cache_info ci;
    memset(&ci, 0, sizeof ci);
    ci.level[0] = (fw_cache_level){l1, 64, w1, 1};
    ci.level[1] = (fw_cache_level){l2, 64, w2, 1};
    ci.level[2] = (fw_cache_level){l3, l3 ? 64 : 0, w3, 0};
    ci.source = "synthetic";
    return ci;
}

/* Expected values worked by hand from
 *   KC = floor((W1 - 1) / (1 + NR/MR)) * N1 * C1 / (MR * S)
 *   MC = (W2 - 1 - ceil(2 KC NR S / (C2 N2))) * N2 * C2 / (KC S), down to a multiple of MR
 *   NC = (W3 - 1 - ceil(2 KC MC S / (C3 N3))) * N3 * C3 / (KC S), down to a multiple of NR
 * with N = size / (W * C) sets per level. */
static void test_blocking_by_hand(void)
{
    struct {
        const char *what;
        fw_cache_info ci;
        int mr, nr, s;
        int mc, kc, nc;
    } cases[] = {
        /* L1 32 KiB 8-way: N1 = 64; CAr = floor(7 / 1.875) = 3; KC = 3*64*64/(16*8) = 96.
         * L2 1 MiB 16-way: N2 = 1024; ceil(2*96*14*8 / 65536) = 1; CAc = 14;
         *   MC = 14*1024*64/(96*8) = 1194.67 -> 1184.
         * L3 4 MiB 16-way: N3 = 4096; ceil(2*96*1184*8 / 262144) = 7; CBc = 8;
         *   NC = 8*4096*64/(96*8) = 2730.67 -> 2730. */
        {"dgemm 16x14, 32K/1M/4M", caches(32 * KIB, 8, MIB, 16, 4 * MIB, 16), 16, 14, 8,
         1184, 96, 2730},
        /* CAr = floor(7 / 1.375) = 5; KC = 5*64*64/(32*4) = 160.
         * ceil(2*160*12*4 / 65536) = 1; MC = 14*1024*64/(160*4) = 1433.6 -> 1408.
         * ceil(2*160*1408*4 / 262144) = 7; NC = 8*4096*64/(160*4) = 3276.8 -> 3276. */
        {"sgemm 32x12, 32K/1M/4M", caches(32 * KIB, 8, MIB, 16, 4 * MIB, 16), 32, 12, 4,
         1408, 160, 3276},
        /* L1 48 KiB 12-way: N1 = 64; CAr = floor(11 / 1.875) = 5; KC = 5*64*64/128 = 160.
         * L2 2 MiB 16-way: N2 = 2048; ceil(2*160*14*8 / 131072) = 1; CAc = 14;
         *   MC = 14*2048*64/(160*8) = 1433.6 -> 1424.
         * L3 8 MiB 16-way: N3 = 8192; ceil(2*160*1424*8 / 524288) = 7; CBc = 8;
         *   NC = 8*8192*64/(160*8) = 3276.8 -> 3276. */
        {"dgemm 16x14, 48K/2M/8M", caches(48 * KIB, 12, 2 * MIB, 16, 8 * MIB, 16), 16, 14, 8,
         1424, 160, 3276},
        /* CAr = floor(11 / 4) = 2; KC = 2*64*64/(8*8) = 128.
         * ceil(2*128*24*8 / 131072) = 1; MC = 14*2048*64/(128*8) = 1792.
         * ceil(2*128*1792*8 / 524288) = 7; NC = 8*8192*64/(128*8) = 4096 -> 4080. */
        {"dgemm 8x24, 48K/2M/8M", caches(48 * KIB, 12, 2 * MIB, 16, 8 * MIB, 16), 8, 24, 8,
         1792, 128, 4080},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int mc = -1, kc = -1, nc = -1;
        fw_model_blocking(&cases[i].ci, cases[i].mr, cases[i].nr, cases[i].s, &mc, &kc, &nc);
        CHECK(mc == cases[i].mc && kc == cases[i].kc && nc == cases[i].nc,
              "%s: MC/KC/NC = %d/%d/%d, want %d/%d/%d", cases[i].what, mc, kc, nc, cases[i].mc,
              cases[i].kc, cases[i].nc);
    }
}

/* Documented edge behaviour: associativity 0 means unknown and is taken as 16 (flopwatt.h);
 * an absent L3 only changes NC; a huge reported L3 does not make NC unbounded (cache_model.c
 * caps it at 8192, then rounds to NR). */
static void test_blocking_edges(void)
{
    int mc, kc, nc, mc2, kc2, nc2;
    fw_cache_info known = caches(32 * KIB, 8, MIB, 16, 4 * MIB, 16);
    fw_cache_info unknown = caches(32 * KIB, 8, MIB, 0, 4 * MIB, 0);
    fw_model_blocking(&known, 16, 14, 8, &mc, &kc, &nc);
    fw_model_blocking(&unknown, 16, 14, 8, &mc2, &kc2, &nc2);
    CHECK(mc == mc2 && kc == kc2 && nc == nc2,
          "unknown associativity (0) should act as 16 ways: %d/%d/%d vs %d/%d/%d", mc2, kc2, nc2,
          mc, kc, nc);

    fw_cache_info no_l3 = caches(32 * KIB, 8, MIB, 16, 0, 0);
    fw_model_blocking(&no_l3, 16, 14, 8, &mc2, &kc2, &nc2);
    CHECK(mc2 == mc && kc2 == kc && nc2 >= 14 && nc2 % 14 == 0,
          "without an L3: MC/KC/NC = %d/%d/%d, want MC/KC %d/%d and NC a positive multiple of 14",
          mc2, kc2, nc2, mc, kc);

    /* L3 32 MiB: the formula gives NC = 14*32768*64/(64*8) = 57344 for 8x24 with KC = 64. */
    fw_cache_info big_l3 = caches(32 * KIB, 8, MIB, 8, 32 * MIB, 16);
    fw_model_blocking(&big_l3, 8, 24, 8, &mc2, &kc2, &nc2);
    CHECK(kc2 == 64 && mc2 == 1536 && nc2 == 8184,
          "huge L3: MC/KC/NC = %d/%d/%d, want 1536/64/8184 (NC capped at 8192, then to NR)",
          mc2, kc2, nc2);
}

/* Whatever the caches and the tile, the result is usable by the driver: MC a positive
 * multiple of MR, NC of NR, KC positive; and with realistic caches the blocks fit their
 * levels (B micro-panel in L1, A block in L2, B panel in L3). */
static void test_blocking_properties(void)
{
    const fw_cache_info cis[] = {
        caches(32 * KIB, 8, MIB, 16, 32 * MIB, 16),
        caches(48 * KIB, 12, 2 * MIB, 16, 105 * MIB / 2, 15),
        caches(64 * KIB, 4, 512 * KIB, 8, 0, 0),
        caches(32 * KIB, 8, 256 * KIB, 4, 8 * MIB, 16),
        caches(16 * KIB, 2, 64 * KIB, 2, 0, 0), /* tiny: clamps must keep it usable */
    };
    const int tiles[][2] = {{16, 14}, {8, 24}, {24, 8}, {32, 6}, {32, 12}, {64, 6}, {6, 8}, {1, 1}};
    for (size_t c = 0; c < sizeof cis / sizeof cis[0]; c++)
        for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++)
            for (int s = 4; s <= 8; s += 4) {
                const int mr = tiles[t][0], nr = tiles[t][1];
                int mc = -1, kc = -1, nc = -1;
                fw_model_blocking(&cis[c], mr, nr, s, &mc, &kc, &nc);
                CHECK(mc >= mr && mc % mr == 0 && nc >= nr && nc % nr == 0 && kc >= 1,
                      "caches #%zu, %dx%d, %d-byte elements: MC/KC/NC = %d/%d/%d", c, mr, nr, s,
                      mc, kc, nc);
                if (c == sizeof cis / sizeof cis[0] - 1)
                    continue;
                const fw_cache_info *ci = &cis[c];
                long last = ci->level[2].size ? ci->level[2].size : ci->level[1].size;
                CHECK((long)kc * nr * s <= ci->level[0].size &&
                          (long)mc * kc * s <= ci->level[1].size && (long)kc * nc * s <= last,
                      "caches #%zu, %dx%d, %d-byte elements: MC/KC/NC = %d/%d/%d overflow a level",
                      c, mr, nr, s, mc, kc, nc);
            }
}

static void test_choose_ways(void)
{
    /* The split always uses exactly the threads it was given. */
    const long dims[] = {1, 7, 16, 100, 1000, 4099};
    for (int threads = 1; threads <= 12; threads++)
        for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
            for (size_t j = 0; j < sizeof dims / sizeof dims[0]; j++) {
                int jc = -1, ic = -1, jr = -1;
                fw_choose_ways(threads, dims[i], dims[j], 16, 14, &jc, &ic, &jr);
                CHECK(jc >= 1 && ic >= 1 && jr >= 1 && jc * ic * jr == threads,
                      "threads %d, m %ld, n %ld: ways %dx%dx%d", threads, dims[i], dims[j], jc, ic,
                      jr);
            }
    /* m within one MR tile: splitting ic would leave threads idle, so n takes the threads. */
    const int counts[] = {2, 3, 4, 6, 8};
    for (size_t t = 0; t < sizeof counts / sizeof counts[0]; t++) {
        int jc, ic, jr;
        fw_choose_ways(counts[t], 8, 4000, 16, 14, &jc, &ic, &jr);
        CHECK(ic == 1 && jc * jr == counts[t], "skinny m (8 x 4000), %d threads: ways %dx%dx%d",
              counts[t], jc, ic, jr);
        fw_choose_ways(counts[t], 3, 2000, 32, 12, &jc, &ic, &jr);
        CHECK(ic == 1 && jc * jr == counts[t], "skinny m (3 x 2000), %d threads: ways %dx%dx%d",
              counts[t], jc, ic, jr);
        /* And the mirror image: n within one NR tile puts every thread on ic. */
        fw_choose_ways(counts[t], 4000, 10, 16, 14, &jc, &ic, &jr);
        CHECK(ic == counts[t], "skinny n (4000 x 10), %d threads: ways %dx%dx%d", counts[t], jc,
              ic, jr);
    }
}

/* GEMV's work per thread: the elements that fill half of the L2; without an L2, the
 * assumed 1 MiB. */
static void test_gemv_min_per_thread(void)
{
    struct {
        long l2;
        int s;
        long want;
    } cases[] = {{MIB, 8, 65536}, {MIB, 4, 131072}, {512 * KIB, 8, 32768},
                 {512 * KIB, 4, 65536}, {0, 8, 65536}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fw_cache_info ci = caches(32 * KIB, 8, cases[i].l2, 8, 4 * MIB, 16);
        long got = fw_model_gemv_min_per_thread(&ci, cases[i].s);
        CHECK(got == cases[i].want, "L2 %ld, %d-byte elements: %ld a thread, want %ld",
              cases[i].l2, cases[i].s, got, cases[i].want);
    }
}

int main(void)
{
    test_blocking_by_hand();
    test_blocking_edges();
    test_blocking_properties();
    test_choose_ways();
    test_gemv_min_per_thread();
    return fw_test_summary();
}
