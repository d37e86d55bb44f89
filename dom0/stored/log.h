/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef TESS_STORED_LOG_H
#define TESS_STORED_LOG_H
#include <stdbool.h>
#include <stdint.h>

extern int log_verbose;
void log_open(const char *log_file, const char *trace_file);
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
bool trace_enabled(void);
/* One access-trace line: direction ('<' request, '>' reply), connection id,
 * domain, message type and the payload with NULs shown as spaces. */
void trace_msg(char dir, unsigned conn_id, unsigned domid, uint32_t type,
	       uint32_t req_id, uint32_t tx_id, const char *data, uint32_t len);

#endif
