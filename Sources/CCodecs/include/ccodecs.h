#ifndef CCODECS_H
#define CCODECS_H
// C shims over Debian's image codecs. libjpeg-turbo and libwebp have plain C APIs that Swift
// calls directly; libpng reports errors with longjmp, which Swift cannot catch, so PNG decoding
// goes through the small wrapper below.
#include <stddef.h>
#include <stdint.h>
#include <turbojpeg.h>
#include <webp/decode.h>

/// A decoded PNG: samples as stored, after only these libpng transforms: palette indices unpacked
/// to one byte each (the palette itself in `palette`; transparency ignored, as Pillow's
/// convert("RGB") ignores it), 1/2/4-bit gray scaled to 8 bits, interlacing undone. 16-bit
/// samples stay 16-bit, big-endian, as in the file, because Pillow converts them in ways of its
/// own (the high byte, or a clip to 255 for 16-bit gray). Pillow keeps the image's own mode
/// ("P", "1", "I;16", …) until it is converted, and resizes in that mode, so scs does too.
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;        // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bit_depth;       // 8 or 16
    int color_type;      // the file's PNG colour type (0, 2, 3, 4 or 6)
    int file_bit_depth;  // the file's bit depth (1, 2, 4, 8 or 16)
    size_t row_bytes;
    unsigned char *pixels; // height * row_bytes bytes, owned: free with ccodecs_free
    int palette_entries;   // colour type 3: the PLTE's entries (RGB triples in `palette`)
    unsigned char palette[256 * 3];
    // The tRNS chunk, which Pillow keeps as info["transparency"]: for palettes an alpha per entry
    // (`trns_entries` of them), for gray and RGB one transparent colour (`trns_color`, as stored).
    int has_trns;
    int trns_entries;
    unsigned char trns_alpha[256];
    unsigned short trns_color[3];
} ccodecs_png;

/// Decodes a whole PNG held in memory. Returns 0 on success; otherwise non-zero with a
/// NUL-terminated message in `error` (libpng's own words where it has them).
int ccodecs_png_decode(const unsigned char *data, size_t size, ccodecs_png *out,
                       char *error, size_t error_size);

void ccodecs_free(void *pointer);

/// Inflates a whole gzip (or zlib) stream held in memory with zlib: the CLIP BPE vocabulary ships
/// gzipped. Returns 0 and a malloc'ed buffer (`*out`, `*out_size`; free with ccodecs_free), or
/// non-zero for a stream zlib rejects.
int ccodecs_gunzip(const unsigned char *data, size_t size, unsigned char **out, size_t *out_size);

#endif
