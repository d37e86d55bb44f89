// SPDX-License-Identifier: GPL-2.0-only
#include "log.h"
#include "xs_proto.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <time.h>

int log_verbose;
static FILE *log_fp;
static FILE *trace_fp;

void log_open(const char *log_file, const char *trace_file)
{
	if (log_file) {
		log_fp = fopen(log_file, "a");
		if (!log_fp)
			fatal("cannot open log file %s", log_file);
		setvbuf(log_fp, NULL, _IOLBF, 0);
	}
	if (trace_file) {
		trace_fp = fopen(trace_file, "a");
		if (!trace_fp)
			fatal("cannot open trace file %s", trace_file);
		setvbuf(trace_fp, NULL, _IOLBF, 0);
	}
}

static void vlog(const char *fmt, va_list ap)
{
	FILE *fp = log_fp ? log_fp : stderr;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(fp, "%lld.%03ld tess-stored: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	vfprintf(fp, fmt, ap);
	fputc('\n', fp);
}

void logmsg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void dbg(const char *fmt, ...)
{
	va_list ap;
	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	exit(1);
}

bool trace_enabled(void)
{
	return trace_fp != NULL;
}

void trace_msg(char dir, unsigned conn_id, unsigned domid, uint32_t type,
	       uint32_t req_id, uint32_t tx_id, const char *data, uint32_t len)
{
	uint32_t i;

	if (!trace_fp)
		return;
	fprintf(trace_fp, "%c conn=%u dom=%u %s req=%u tx=%u \"", dir, conn_id, domid,
		xs_type_name(type), req_id, tx_id);
	for (i = 0; i < len && i < 256; i++) {
		unsigned char c = data[i];
		if (c == 0)
			fputc(' ', trace_fp);
		else if (c < 32 || c > 126 || c == '"' || c == '\\')
			fprintf(trace_fp, "\\x%02x", c);
		else
			fputc(c, trace_fp);
	}
	fputs(len > 256 ? "...\"\n" : "\"\n", trace_fp);
}
