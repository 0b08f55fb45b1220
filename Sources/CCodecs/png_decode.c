#include "ccodecs.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *error;
    size_t error_size;
} reader_state;

static void on_error(png_structp png, png_const_charp message) {
    reader_state *state = (reader_state *)png_get_error_ptr(png);
    if (state && state->error && state->error_size > 0) {
        snprintf(state->error, state->error_size, "%s", message);
    }
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    // Warnings (an unknown chunk, a bad CRC in an ancillary chunk) are not errors for Pillow
    // either; keep decoding.
    (void)png;
    (void)message;
}

static void read_from_memory(png_structp png, png_bytep into, png_size_t length) {
    reader_state *state = (reader_state *)png_get_io_ptr(png);
    if (state->offset + length > state->size) {
        png_error(png, "image file is truncated");
    }
    memcpy(into, state->data + state->offset, length);
    state->offset += length;
}

int ccodecs_png_decode(const unsigned char *data, size_t size, ccodecs_png *out,
                       char *error, size_t error_size) {
    memset(out, 0, sizeof(*out));
    if (error && error_size) error[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(error, error_size, "not a PNG file");
        return 1;
    }
    reader_state state = {data, size, 0, error, error_size};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (!png) {
        snprintf(error, error_size, "out of memory");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    // volatile: these change between setjmp and a possible longjmp.
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        if (error && error_size && error[0] == 0) snprintf(error, error_size, "invalid PNG");
        return 1;
    }
    // Pillow checks no CRCs of ancillary chunks and is lenient about them; so are we.
    png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
    png_set_user_limits(png, 1u << 16, 1u << 16);
    png_set_read_fn(png, &state, read_from_memory);
    png_read_info(png, info);

    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    out->color_type = color_type;
    out->file_bit_depth = bit_depth;

    out->palette_entries = 0;
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_colorp plte = NULL;
        int entries = 0;
        if (png_get_PLTE(png, info, &plte, &entries) && plte && entries > 0) {
            if (entries > 256) entries = 256;
            for (int i = 0; i < entries; i++) {
                out->palette[3 * i] = plte[i].red;
                out->palette[3 * i + 1] = plte[i].green;
                out->palette[3 * i + 2] = plte[i].blue;
            }
            out->palette_entries = entries;
        }
        if (bit_depth < 8) png_set_packing(png);
    }
    out->has_trns = 0;
    if (png_get_valid(png, info, PNG_INFO_tRNS)) {
        png_bytep alpha = NULL;
        int count = 0;
        png_color_16p color = NULL;
        if (png_get_tRNS(png, info, &alpha, &count, &color)) {
            out->has_trns = 1;
            if (color_type == PNG_COLOR_TYPE_PALETTE && alpha) {
                if (count > 256) count = 256;
                for (int i = 0; i < count; i++) out->trns_alpha[i] = alpha[i];
                out->trns_entries = count;
            } else if (color) {
                out->trns_color[0] = color_type == PNG_COLOR_TYPE_GRAY ? color->gray : color->red;
                out->trns_color[1] = color->green;
                out->trns_color[2] = color->blue;
            }
        }
    }
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    out->width = width;
    out->height = height;
    out->channels = png_get_channels(png, info);
    out->bit_depth = png_get_bit_depth(png, info);
    out->row_bytes = png_get_rowbytes(png, info);

    pixels = (unsigned char *)malloc(out->row_bytes * (size_t)height);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * out->row_bytes;
    png_read_image(png, rows);
    // The end chunk is not read: Pillow stops at the last image data too, so a file cut after
    // its pixels still decodes, as it does there.
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->pixels = pixels;
    return 0;
}

void ccodecs_free(void *pointer) { free(pointer); }
