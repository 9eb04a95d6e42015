/* SPDX-License-Identifier: MIT */
/*
 * Functions that are easy to misuse. Include last; a use becomes a compile
 * error. Use snprintf, mu_buf, strtol/strtoll with checks, gmtime_r.
 */
#ifndef MU_UTIL_BANNED_H
#define MU_UTIL_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
