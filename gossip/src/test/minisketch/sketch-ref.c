#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "minisketch.h"
/* Prints the serialized 32-bit minisketch of capacity argv[1] holding the elements argv[2..], in hex. */
int main(int argc, char** argv) {
    size_t cap = strtoul(argv[1], 0, 10);
    minisketch* s = minisketch_create(32, 0, cap);
    for (int i = 2; i < argc; i++) minisketch_add_uint64(s, strtoull(argv[i], 0, 10));
    size_t n = minisketch_serialized_size(s);
    unsigned char buf[65536];
    minisketch_serialize(s, buf);
    for (size_t i = 0; i < n; i++) printf("%02x", buf[i]);
    printf("\n");
    minisketch_destroy(s);
    return 0;
}
