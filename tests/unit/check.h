/*
 * A very small unit-test harness. Each test file defines test functions with
 * TEST(name) and lists them in main() via RUN(name). Every case prints one
 * line, "PASS: file:name" or "FAIL: file:name: why", which the test runner
 * counts; the binary exits 1 if any case failed.
 */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern int check_failed_in_case;
extern int check_cases_failed;

#define TEST(name) static void test_##name(void)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);          \
			check_failed_in_case = 1;                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                    \
		if (check_a_ != check_b_) {                                                        \
			printf("  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__,   \
			       #a, check_a_, #b, check_b_);                                        \
			check_failed_in_case = 1;                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                       \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                   \
			printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
			       check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");    \
			check_failed_in_case = 1;                                                  \
		}                                                                                  \
	} while (0)

/* A table row: a bad input and what its one-line refusal must mention. */
struct check_refusal {
	const char *input, *says;
};

/* A refusal: ret is -1 and err one line that mentions says. input names
 * the case in the failure message. */
#define CHECK_REFUSED(ret, err, says, input)                                                       \
	do {                                                                                       \
		int check_r_ = (ret);                                                              \
		const char *check_e_ = (err), *check_s_ = (says);                                  \
		if (check_r_ != -1 || !strstr(check_e_, check_s_) || strchr(check_e_, '\n')) {     \
			printf("  %s:%d: '%s' -> %d '%s', expected -1 and one line with '%s'\n",   \
			       __FILE__, __LINE__, (input), check_r_, check_e_, check_s_);         \
			check_failed_in_case = 1;                                                  \
		}                                                                                  \
	} while (0)

#define RUN(name)                                                                                  \
	do {                                                                                       \
		check_failed_in_case = 0;                                                          \
		test_##name();                                                                     \
		printf("%s: %s:%s\n", check_failed_in_case ? "FAIL" : "PASS", CHECK_FILE, #name);  \
		check_cases_failed += check_failed_in_case;                                        \
		fflush(stdout);                                                                    \
	} while (0)

#define CHECK_MAIN_BEGIN                                                                           \
	int check_failed_in_case;                                                                  \
	int check_cases_failed;                                                                    \
	int main(void)                                                                             \
	{
#define CHECK_MAIN_END                                                                             \
	return check_cases_failed ? 1 : 0;                                                         \
	}

#endif
