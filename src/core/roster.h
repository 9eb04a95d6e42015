/* SPDX-License-Identifier: MIT */
/*
 * The pure roster module of src/core: local time conversions, day classes,
 * the generator and the gap finder. Its API is declared in the public
 * header include/muster/roster.h (the "pure generator" part), which this
 * header includes so that core code and the unit tests name one module
 * header, as the house style asks.
 */
#ifndef MU_CORE_ROSTER_H
#define MU_CORE_ROSTER_H

#include <muster/roster.h>

#endif
