// SPDX-License-Identifier: GPL-2.0-only
#include "xs_proto.h"
#include <errno.h>

const char *xs_type_name(uint32_t type)
{
	static const char *const names[XS_TYPE_COUNT] = {
		"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
		"TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
		"GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS", "WATCH_EVENT",
		"ERROR", "IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
		"RESET_WATCHES", "DIRECTORY_PART",
	};
	return type < XS_TYPE_COUNT ? names[type] : "INVALID";
}

const char *xs_errname(int err)
{
	switch (err) {
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case EEXIST: return "EEXIST";
	case EISDIR: return "EISDIR";
	case ENOENT: return "ENOENT";
	case ENOMEM: return "ENOMEM";
	case ENOSPC: return "ENOSPC";
	case EIO: return "EIO";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ENOSYS: return "ENOSYS";
	case EROFS: return "EROFS";
	case EBUSY: return "EBUSY";
	case EAGAIN: return "EAGAIN";
	case EISCONN: return "EISCONN";
	case E2BIG: return "E2BIG";
	case EPERM: return "EPERM";
	default: return "EINVAL";
	}
}
