/* q850.h - ITU-T Q.850 cause values, as carried by SIP Reason headers
 * ("Reason: Q.850;cause=47"). */
#ifndef XW_Q850_H
#define XW_Q850_H

#include <stddef.h>

/* Returns the Q.850 name of cause (1..127), or NULL when the standard
 * assigns no meaning to the value (or it is out of range). Static text. */
const char *q850_name(int cause);
/* Returns the Q.850 class of a cause ("normal event", "resource
 * unavailable", ...), or NULL out of 0..127. Static text. */
const char *q850_class(int cause);
/* Writes "47 (Resource unavailable, unspecified)" into buf, or "200 (not a
 * Q.850 cause value)" / "13 (unassigned cause value)"; returns buf. */
char *q850_describe(int cause, char *buf, size_t size);

#endif
