/*
 * A tiny AML (ACPI Machine Language) emitter: just the opcodes the DSDT of
 * vmm/machine/acpi.c needs, encoded as ACPI 6.5 §20.2 defines them. Pure: no
 * allocation, no globals.
 *
 * Errors are sticky: every call on a struct aml whose err is set does
 * nothing, so a caller emits a whole table and checks aml_finish() once.
 * With a NULL buffer the emitter only measures (aml_finish() still returns
 * the exact length), which is how acpi.c sizes the DSDT before placing it.
 *
 * Packages (Scope, Device, Method, If, Field, Buffer) are opened with an
 * aml_*_begin() call and closed with aml_end(); PkgLength (§20.2.4) is
 * fixed up at aml_end(), when the content length is known.
 */
#ifndef VMM_AML_H
#define VMM_AML_H

#include <stddef.h>
#include <stdint.h>

/* Deeper than the DSDT ever nests (Scope > Device > Method > If). */
#define AML_MAX_DEPTH 8

/*
 * An open package holds four PkgLength bytes until aml_end() shrinks them
 * to what its length needs, so while emitting, the output can run up to
 * this much longer than it ends: a buffer must hold the final length (as
 * measured with a NULL buffer) plus AML_BUILD_SLACK.
 */
#define AML_BUILD_SLACK (AML_MAX_DEPTH * 3)

struct aml {
	uint8_t *buf; /* NULL: measure only */
	size_t cap;
	size_t len;
	int err; /* 0, -ENOSPC (buffer full) or -EINVAL (bad name, nesting) */
	unsigned int depth;
	size_t open[AML_MAX_DEPTH]; /* where each open package's PkgLength starts */
};

/* Emit into buf[0..cap); buf NULL (cap ignored) only counts bytes. */
void aml_init(struct aml *a, void *buf, size_t cap);

/* The emitted length, or a negative errno (also -EINVAL if a package is
 * still open). */
long aml_finish(const struct aml *a);

void aml_byte(struct aml *a, uint8_t b);

/*
 * A NameString (§20.2.2): an optional leading '\' (root) or '^'s (parent),
 * then NameSegs separated by '.', each of 1-4 characters [A-Z_][A-Z0-9_]*
 * (padded with '_'). "" is the NullName.
 */
void aml_name(struct aml *a, const char *path);

/* An integer in its shortest encoding: Zero, One, Ones or a prefixed
 * Byte/Word/DWord/QWord constant (§20.2.3). */
void aml_int(struct aml *a, uint64_t v);

/* A String constant (§20.2.3): printable ASCII only. */
void aml_string(struct aml *a, const char *s);

/* A compressed EISA ID (§19.6.44, EISAID): "PNP0501" -> DWord constant. */
void aml_eisaid(struct aml *a, const char *id);

/* Name (NAME, <caller emits the object>) */
void aml_name_decl(struct aml *a, const char *name);

/* Packages, each closed by aml_end(). */
void aml_scope_begin(struct aml *a, const char *name);
void aml_device_begin(struct aml *a, const char *name);
void aml_method_begin(struct aml *a, const char *name, unsigned int nargs, int serialized);
void aml_if_begin(struct aml *a);     /* caller emits the predicate, then the body */
void aml_buffer_begin(struct aml *a); /* BufferSize is filled in by aml_end() */
void aml_end(struct aml *a);

/* OperationRegion (NAME, SystemMemory, base, len) */
void aml_opregion_mem(struct aml *a, const char *name, uint64_t base, uint64_t len);

/* Field (REGION, DWordAcc, NoLock, Preserve) { FIELD, 32 } */
void aml_field_dword(struct aml *a, const char *region, const char *field);

/* Opcode heads whose operands the caller emits next (§20.2.5). */
#define AML_LOCAL0  0x60
#define AML_ARG0    0x68
#define AML_ZERO    0x00 /* also the NullName of an omitted Target */
#define AML_STORE   0x70 /* Store (TermArg, SuperName) */
#define AML_AND	    0x7b /* And (TermArg, TermArg, Target) */
#define AML_NOTIFY  0x86 /* Notify (SuperName, TermArg) */
#define AML_RETURN  0xa4 /* Return (TermArg) */
#define AML_LEQUAL  0x93
#define AML_LNOT    0x92
#define AML_RES_END 0x79 /* resource template End Tag (§6.4.2.9) */

#endif
