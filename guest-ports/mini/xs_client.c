/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mini.xs=<path>[,<path>]: an XS_READ of each path over the domain's xenstore ring
 * (Xen's public/io/xs_wire.h; the page and port from HVM_PARAM_STORE_PFN
 * and _EVTCHN, as Linux's xenbus finds them), printed as
 * "mini: xs read <path>: value <v>", ": error <ERRNO>" or ": no answer".
 * mini.xs=garbage: first a request header whose length is over
 * XENSTORE_PAYLOAD_MAX, which must close this domain's connection only;
 * then a read of "name", which gets no answer. mini.xs=badidx: a request
 * producer index more than a ring ahead of the consumer, which must close
 * the connection too, with XENSTORE_ERROR_RINGIDX in the page's error
 * field (printed), then the same read. Either way the domain then
 * stays up (spinning) until the toolstack destroys it.
 */
#include <public/xen/hvm/hvm_op.h>
#include <public/xen/hvm/params.h>
#include <public/xen/sched.h>
#include "evtchn.h"
#include "hypercall.h"
#include "mini.h"

#define XS_READ         2
#define XS_ERROR        16
#define XS_PAYLOAD_MAX  4096
#define RING_SIZE       1024
#define ANSWER_MS       5000

struct xs_page {
    char req[RING_SIZE];
    char rsp[RING_SIZE];
    uint32_t req_cons, req_prod, rsp_cons, rsp_prod;
    uint32_t server_features, connection, error;
};

struct xs_hdr {
    uint32_t type, req_id, tx_id, len;
};

static volatile struct xs_page *page;
static evtchn_port_t port;
static uint32_t want;       /* bytes answered() waits for */

static uint64_t param(uint32_t index)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

    return HYPERCALL(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0) ? 0 : p.value;
}

static void put(const void *data, uint32_t n)
{
    const char *s = data;
    uint32_t prod = page->req_prod;

    for (uint32_t i = 0; i < n; i++)
        page->req[(prod + i) % RING_SIZE] = s[i];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    page->req_prod = prod + n;
    evtchn_send(port);
}

static bool answered(void)
{
    return page->rsp_prod - page->rsp_cons >= want;
}

static bool ring_error(void)
{
    return page->error != 0;
}

static void take(void *data, uint32_t n)
{
    char *d = data;
    uint32_t cons = page->rsp_cons;

    for (uint32_t i = 0; i < n; i++)
        d[i] = page->rsp[(cons + i) % RING_SIZE];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    page->rsp_cons = cons + n;
}

static void read_node(const char *path)
{
    struct xs_hdr h = { .type = XS_READ, .req_id = 1, .len = (uint32_t)strlen(path) + 1 };
    char body[256];

    put(&h, sizeof(h));
    put(path, h.len);
    want = sizeof(h);
    if (!ev_wait(answered, ANSWER_MS)) {
        printf("mini: xs read %s: no answer\n", path);
        return;
    }
    take(&h, sizeof(h));
    want = h.len;
    if (h.len >= sizeof(body) || !ev_wait(answered, ANSWER_MS)) {
        printf("mini: xs read %s: bad answer (type %u, %u bytes)\n", path, h.type, h.len);
        return;
    }
    take(body, h.len);
    body[h.len] = '\0';
    printf("mini: xs read %s: %s %s\n", path, h.type == XS_ERROR ? "error" : "value", body);
}

void xs_client_run(const char *what)
{
    uint64_t pfn = param(HVM_PARAM_STORE_PFN);

    port = (evtchn_port_t)param(HVM_PARAM_STORE_EVTCHN);
    if (!pfn || !port) {
        printf("mini: xs: no store ring (pfn %#lx port %u)\n", (unsigned long)pfn, port);
        return;
    }
    page = (volatile struct xs_page *)(uintptr_t)(pfn << 12);
    printf("mini: xs ring at %#lx, port %u\n", (unsigned long)(pfn << 12), port);
    if (!strcmp(what, "garbage")) {
        struct xs_hdr h = { .type = XS_READ, .req_id = 9, .len = XS_PAYLOAD_MAX + 1 };
        put(&h, sizeof(h));
        read_node("name");
        return;
    }
    if (!strcmp(what, "badidx")) {
        page->req_prod = page->req_cons + RING_SIZE + 1;
        evtchn_send(port);
        ev_wait(ring_error, ANSWER_MS);
        printf("mini: xs ring error field %u\n", page->error);
        page->req_prod = page->req_cons;
        read_node("name");
        return;
    }
    for (const char *p = what; *p;) {
        char path[64];
        size_t n = 0;
        while (*p && *p != ',' && n < sizeof(path) - 1)
            path[n++] = *p++;
        path[n] = '\0';
        if (*p == ',')
            p++;
        read_node(path);
    }
}
