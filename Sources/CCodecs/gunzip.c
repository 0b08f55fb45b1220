#include <stdlib.h>
#include <zlib.h>
#include "ccodecs.h"

int ccodecs_gunzip(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size) {
    z_stream z = {0};
    // 15 + 32: zlib detects a gzip or a zlib header by itself.
    if (inflateInit2(&z, 15 + 32) != Z_OK) return 1;
    size_t capacity = size * 4 + 1024, used = 0;
    unsigned char *buffer = malloc(capacity);
    if (!buffer) { inflateEnd(&z); return 1; }
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)size;
    int status;
    do {
        if (used == capacity) {
            capacity *= 2;
            unsigned char *grown = realloc(buffer, capacity);
            if (!grown) { free(buffer); inflateEnd(&z); return 1; }
            buffer = grown;
        }
        z.next_out = buffer + used;
        z.avail_out = (uInt)(capacity - used);
        status = inflate(&z, Z_NO_FLUSH);
        used = capacity - z.avail_out;
    } while (status == Z_OK);
    inflateEnd(&z);
    if (status != Z_STREAM_END) { free(buffer); return 1; }
    *out = buffer;
    *out_size = used;
    return 0;
}
