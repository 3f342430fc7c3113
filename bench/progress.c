#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "timer.h"

static void clock_text(double s, char *buf, size_t len)
{
    long t = s > 0 ? (long)(s + 0.5) : 0;
    snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

void progress_init(progress *p, int total, double total_cost, int tty)
{
    const char *ci = getenv("CI");
    p->total = total;
    p->total_cost = total_cost;
    p->done_cost = 0;
    p->done = 0;
    p->t0 = timer_now();
    p->tty = tty >= 0 ? tty : isatty(STDERR_FILENO) && !(ci && *ci && ci[0] != '0');
    p->width = 0;
}

void progress_start(progress *p, const char *label)
{
    double el = timer_now() - p->t0;
    char elapsed[48], eta[48] = "?";
    clock_text(el, elapsed, sizeof elapsed);
    /* The estimate scales the time spent so far by the work left, in the cost unit. */
    if (p->done_cost > 0 && p->total_cost > p->done_cost)
        clock_text(el * (p->total_cost - p->done_cost) / p->done_cost, eta, sizeof eta);
    if (!p->tty) {
        fprintf(stderr, "[%d/%d] %s ", p->done + 1, p->total, label);
        fflush(stderr);
        return;
    }
    enum { BAR = 20 };
    int fill = p->total_cost > 0 ? (int)(BAR * p->done_cost / p->total_cost) : 0;
    char bar[BAR + 1];
    for (int i = 0; i < BAR; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[BAR] = '\0';
    int w = fprintf(stderr, "\r[%s] %d/%d  %s elapsed, ~%s left  %s", bar, p->done, p->total,
                    elapsed, eta, label);
    for (int i = w; i < p->width; i++)
        fputc(' ', stderr);
    p->width = w;
    fflush(stderr);
}

void progress_finish(progress *p, double cost, const char *result)
{
    p->done++;
    p->done_cost += cost;
    if (!p->tty)
        fprintf(stderr, "%s\n", result);
}

void progress_end(progress *p)
{
    if (p->tty && p->width) {
        fprintf(stderr, "\r%*s\r", p->width, "");
        p->width = 0;
    }
    fflush(stderr);
}
