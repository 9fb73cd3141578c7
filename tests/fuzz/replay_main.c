/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 the vpep developers
 */

/*
 * Corpus replay driver for builds without libFuzzer (gcc, the ASan build): runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line or found in a named
 * directory. Each input is copied into a heap buffer of exactly its size so AddressSanitizer
 * catches a read one byte past the end. libFuzzer-style flags ("-runs=0") are ignored, so the
 * same command line works with both kinds of binary. Exits non-zero when no input was found:
 * an empty or missing corpus must not pass silently.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long sz;

	if (f == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(sz > 0 ? (size_t)sz : 1);
	if (buf == NULL || (sz > 0 && fread(buf, 1, (size_t)sz, f) != (size_t)sz)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)sz);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long inputs = 0;
	int i;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (argv[i][0] == '-')
			continue;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: no such file or directory\n", argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *de;

			while (d != NULL && (de = readdir(d)) != NULL) {
				char path[4096];

				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
				if (run_file(path) != 0)
					return 1;
				inputs++;
			}
			if (d != NULL)
				closedir(d);
		} else {
			if (run_file(argv[i]) != 0)
				return 1;
			inputs++;
		}
	}
	if (inputs == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	printf("replay: %lu inputs ran without a crash\n", inputs);
	return 0;
}
