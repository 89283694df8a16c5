/* Compiled twins of a few hot Python functions of newsdedup (see core/native.py).
 *
 * Each function here gives exactly what its Python original gives (the parity tests in
 * tests/test_native.py compare them); the Python original is the definition and the fallback.
 * Character classes use CPython's own Unicode tables, as its regular expressions do:
 *   \w      Py_UNICODE_ISALNUM(ch) || ch == '_'
 *   \d      Py_UNICODE_ISDECIMAL(ch)
 *   [^\W\d_] Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch)
 * Arrays cross as buffers (numpy arrays, array.array, bytes): the Python side checks their
 * types, so this module needs no numpy headers to build.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ character classes */

/* The classes below for the ASCII range, filled at import from the same predicates: most
 * characters of news text are ASCII, and a table lookup is several times cheaper. */
static unsigned char ascii_word[128], ascii_letter[128], ascii_linebreak[128];

static inline int is_word(Py_UCS4 ch)
{
    return ch < 128 ? ascii_word[ch] : Py_UNICODE_ISALNUM(ch) || ch == '_';
}

static inline int is_letter(Py_UCS4 ch)
{
    return ch < 128 ? ascii_letter[ch] : Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch);
}

/* Combining marks (general category M*: the vowel signs of Indic scripts, harakat), as unicodedata
 * tells them, which CPython's C API does not. unicodedata is asked a block of 256 code points at a
 * time, on first use of the block, and its answers kept as bits; beyond the BMP, each time. */
#define FIRST_MARK 0x300
static PyObject *unicode_category;
static uint8_t mark_bits[0x10000 / 8], mark_block_known[0x10000 >> 8];

/* 1, 0, or -1 with an exception set */
static int category_is_mark(Py_UCS4 ch)
{
    if (unicode_category == NULL) {
        PyObject *unicodedata = PyImport_ImportModule("unicodedata");
        if (unicodedata == NULL)
            return -1;
        unicode_category = PyObject_GetAttrString(unicodedata, "category");
        Py_DECREF(unicodedata);
        if (unicode_category == NULL)
            return -1;
    }
    PyObject *character = PyUnicode_FromOrdinal((int)ch);
    if (character == NULL)
        return -1;
    PyObject *category = PyObject_CallOneArg(unicode_category, character);
    Py_DECREF(character);
    if (category == NULL)
        return -1;
    int mark = PyUnicode_Check(category) && PyUnicode_GET_LENGTH(category) > 0 &&
               PyUnicode_READ_CHAR(category, 0) == 'M';
    Py_DECREF(category);
    return mark;
}

/* rules.is_mark; 1, 0, or -1 with an exception set */
static int is_mark(Py_UCS4 ch)
{
    if (ch < FIRST_MARK)
        return 0;
    if (ch > 0xFFFF)
        return category_is_mark(ch);
    Py_UCS4 block = ch >> 8;
    if (!mark_block_known[block]) {
        for (Py_UCS4 c = block << 8; c < (block + 1) << 8; c++) {
            int mark = category_is_mark(c);
            if (mark < 0)
                return -1;
            if (mark)
                mark_bits[c >> 3] |= (uint8_t)(1u << (c & 7));
        }
        mark_block_known[block] = 1;
    }
    return (mark_bits[ch >> 3] >> (ch & 7)) & 1;
}

/* A character of a word as text.letter_words reads them (a letter, or a combining mark when
 * `with_marks`), or as the regex [^\W\d_]+ does; 1, 0, or -1 with an exception set. */
static inline int in_letter_word(Py_UCS4 ch, int with_marks)
{
    if (is_letter(ch))
        return 1;
    return with_marks ? is_mark(ch) : 0;
}

/* str.splitlines' line boundaries */
/* lines.INVISIBLE: format characters that show as nothing (a soft hyphen, zero-width spaces) */
static inline int is_invisible(Py_UCS4 ch)
{
    return ch == 0xAD || ch == 0x200B || ch == 0x2060 || ch == 0xFEFF;
}

static inline int is_linebreak(Py_UCS4 ch)
{
    return ch < 128 ? ascii_linebreak[ch] : Py_UNICODE_ISLINEBREAK(ch);
}

/* str.isdecimal and str.isdigit of one character: in the ASCII range both are exactly 0-9. */
static inline int is_decimal(Py_UCS4 ch)
{
    return ch < 128 ? ch >= '0' && ch <= '9' : Py_UNICODE_ISDECIMAL(ch);
}

static inline int is_digit(Py_UCS4 ch)
{
    return ch < 128 ? ch >= '0' && ch <= '9' : Py_UNICODE_ISDIGIT(ch);
}

static void make_ascii_tables(void)
{
    for (Py_UCS4 ch = 0; ch < 128; ch++) {
        ascii_word[ch] = Py_UNICODE_ISALNUM(ch) || ch == '_';
        ascii_letter[ch] = Py_UNICODE_ISALNUM(ch) && !Py_UNICODE_ISDECIMAL(ch);
        ascii_linebreak[ch] = Py_UNICODE_ISLINEBREAK(ch);
    }
}

/* shingles.py: _IDEOGRAPHS and _UNSPACED_LETTERS */
static inline int is_ideograph(Py_UCS4 ch)
{
    return (ch >= 0x3040 && ch <= 0x30ff) || (ch >= 0x31f0 && ch <= 0x31ff) || (ch >= 0x3400 && ch <= 0x4dbf) ||
           (ch >= 0x4e00 && ch <= 0x9fff) || (ch >= 0xf900 && ch <= 0xfaff);
}

static inline int is_unspaced_letter(Py_UCS4 ch)
{
    return (ch >= 0x0e00 && ch <= 0x0eff) || (ch >= 0x1000 && ch <= 0x109f) || (ch >= 0x1780 && ch <= 0x17ff) ||
           (ch >= 0x0600 && ch <= 0x06ff) || (ch >= 0x0750 && ch <= 0x077f) || (ch >= 0x08a0 && ch <= 0x08ff) ||
           (ch >= 0xfb50 && ch <= 0xfdff) || (ch >= 0xfe70 && ch <= 0xfeff);
}

/* shingles.py: _DIGIT_GROUP's separators */
static inline int is_group_separator(Py_UCS4 ch)
{
    return ch == '.' || ch == ',' || ch == 0x00a0 || ch == 0x202f || ch == '\'' || ch == 0x2019;
}

/* ------------------------------------------------------------------ hashing */

static uint32_t crc_table[256];

static void make_crc_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* Feed one code point, UTF-8 encoded, into a running CRC-32 (zlib's, before its final inversion). */
static inline uint32_t crc_code_point(uint32_t crc, Py_UCS4 ch)
{
    unsigned char bytes[4];
    int count;
    if (ch < 0x80) {
        bytes[0] = (unsigned char)ch;
        count = 1;
    } else if (ch < 0x800) {
        bytes[0] = (unsigned char)(0xC0 | (ch >> 6));
        bytes[1] = (unsigned char)(0x80 | (ch & 0x3F));
        count = 2;
    } else if (ch < 0x10000) {
        bytes[0] = (unsigned char)(0xE0 | (ch >> 12));
        bytes[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        bytes[2] = (unsigned char)(0x80 | (ch & 0x3F));
        count = 3;
    } else {
        bytes[0] = (unsigned char)(0xF0 | (ch >> 18));
        bytes[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
        bytes[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        bytes[3] = (unsigned char)(0x80 | (ch & 0x3F));
        count = 4;
    }
    for (int i = 0; i < count; i++)
        crc = crc_table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

static inline uint32_t fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    return h ^ (h >> 16);
}

static const uint32_t SHINGLE_MULTIPLIERS[5] = {0x9E3779B1u, 0x85EBCA77u, 0xC2B2AE3Du, 0x27D4EB2Fu, 0x165667B1u};

/* ------------------------------------------------------------------ helpers */

static PyObject *new_uint32_bytearray(Py_ssize_t count, uint32_t **data)
{
    PyObject *out = PyByteArray_FromStringAndSize(NULL, count * (Py_ssize_t)sizeof(uint32_t));
    if (out != NULL)
        *data = (uint32_t *)PyByteArray_AS_STRING(out);
    return out;
}

/* Sort uint32 values in place (LSD radix sort, four byte-wide passes) and drop repeats; the new count. */
static Py_ssize_t sort_unique(uint32_t *values, uint32_t *scratch, Py_ssize_t count)
{
    uint32_t *from = values, *to = scratch;
    for (int shift = 0; shift < 32; shift += 8) {
        Py_ssize_t offsets[256] = {0};
        for (Py_ssize_t i = 0; i < count; i++)
            offsets[(from[i] >> shift) & 0xFF]++;
        Py_ssize_t total = 0;
        for (int b = 0; b < 256; b++) {
            Py_ssize_t n = offsets[b];
            offsets[b] = total;
            total += n;
        }
        for (Py_ssize_t i = 0; i < count; i++)
            to[offsets[(from[i] >> shift) & 0xFF]++] = from[i];
        uint32_t *swap = from;
        from = to;
        to = swap;
    }
    /* four passes: the sorted values are back in `values` */
    Py_ssize_t kept = 0;
    for (Py_ssize_t i = 0; i < count; i++)
        if (kept == 0 || values[i] != values[kept - 1])
            values[kept++] = values[i];
    return kept;
}

/* ------------------------------------------------------------------ shingles.py */

/* Whether the character at `i` is a digit-group separator that normalise() removes: _DIGIT_GROUP,
 * "[.,\u00a0\u202f'’](?<=\d.)(?=\d{3}\b)", matched against the folded text. */
static int removed_separator(int kind, const void *data, Py_ssize_t length, Py_ssize_t i)
{
    if (!is_group_separator(PyUnicode_READ(kind, data, i)) || i < 1 || i + 3 >= length)
        return 0;
    if (!is_decimal(PyUnicode_READ(kind, data, i - 1)))
        return 0;
    for (Py_ssize_t k = i + 1; k <= i + 3; k++)
        if (!is_decimal(PyUnicode_READ(kind, data, k)))
            return 0;
    return i + 4 == length || !is_word(PyUnicode_READ(kind, data, i + 4));
}

/* The tokens of normalise() in the folded text, hashed: the CRC-32 of each word token (\w+ once digit
 * groups are joined) into `words`, or of each character of them with `per_character`; with `numbers`
 * (word tokens only), the figures of figures.stated_figures: the CRC-32 of each word token that holds a
 * decimal digit and, for such a token with a character outside ASCII ("٢٠٢٤", "增长7"), of each run of
 * its digits written in ASCII. `words` holds at least `length` values, `numbers` twice as many; the
 * counts written go to `word_count` and `number_count`. */
static void scan_tokens(PyObject *text, int per_character, uint32_t *words, Py_ssize_t *word_count,
                        uint32_t *numbers, Py_ssize_t *number_count)
{
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    Py_ssize_t count = 0, figures = 0, runs = 0;
    int in_token = 0, has_digit = 0, non_ascii = 0, in_run = 0;
    uint32_t crc = 0xFFFFFFFFu, run_crc = 0xFFFFFFFFu;
    for (Py_ssize_t i = 0; i <= length; i++) {
        Py_UCS4 ch = i < length ? PyUnicode_READ(kind, data, i) : ' ';
        if (!is_word(ch)) {
            if (i < length && removed_separator(kind, data, length, i))
                continue; /* "10.000" is the token "10000" */
            if (in_token) {
                words[count++] = crc ^ 0xFFFFFFFFu;
                if (has_digit && numbers != NULL) {
                    if (in_run)
                        numbers[figures + runs++] = run_crc ^ 0xFFFFFFFFu;
                    if (!non_ascii)
                        runs = 0; /* an ASCII token is its own figure */
                    numbers[figures + runs] = crc ^ 0xFFFFFFFFu;
                    figures += runs + 1;
                }
            }
            in_token = 0;
            continue;
        }
        if (per_character) {
            words[count++] = crc_code_point(0xFFFFFFFFu, ch) ^ 0xFFFFFFFFu;
            continue;
        }
        if (!in_token) {
            crc = 0xFFFFFFFFu;
            in_token = 1;
            has_digit = non_ascii = in_run = 0;
            runs = 0;
        }
        non_ascii |= ch >= 0x80;
        if (is_decimal(ch)) {
            if (!in_run)
                run_crc = 0xFFFFFFFFu;
            in_run = has_digit = 1;
            run_crc = crc_code_point(run_crc, ch < 0x80 ? ch : (Py_UCS4)('0' + Py_UNICODE_TODECIMAL(ch)));
        } else if (in_run) {
            if (numbers != NULL)
                numbers[figures + runs++] = run_crc ^ 0xFFFFFFFFu;
            in_run = 0;
        }
        crc = crc_code_point(crc, ch);
    }
    *word_count = count;
    *number_count = figures;
}

static PyObject *uint32_bytearray_of(const uint32_t *values, Py_ssize_t count)
{
    uint32_t *data;
    PyObject *out = new_uint32_bytearray(count, &data);
    if (out != NULL && count)
        memcpy(data, values, count * sizeof(uint32_t));
    return out;
}

PyDoc_STRVAR(unit_token_hashes_doc,
             "unit_token_hashes(folded, per_character) -> bytearray of uint32\n\n"
             "shingles.token_hashes(shingles.unit_tokens(shingles.normalise(text), unit)) for the NFKC-normalised, case-folded text:\n"
             "the CRC-32 of each word token (\\w+ once digit groups are joined), or of each character of them.");

static PyObject *unit_token_hashes(PyObject *self, PyObject *args)
{
    PyObject *text;
    int per_character;
    if (!PyArg_ParseTuple(args, "Up:unit_token_hashes", &text, &per_character))
        return NULL;
    uint32_t *hashes = PyMem_Malloc((PyUnicode_GET_LENGTH(text) + 1) * sizeof(uint32_t));
    if (hashes == NULL)
        return PyErr_NoMemory();
    Py_ssize_t count, unused;
    scan_tokens(text, per_character, hashes, &count, NULL, &unused);
    PyObject *out = uint32_bytearray_of(hashes, count);
    PyMem_Free(hashes);
    return out;
}

PyDoc_STRVAR(word_and_number_hashes_doc,
             "word_and_number_hashes(folded) -> (bytearray of uint32, bytearray of uint32)\n\n"
             "In one pass over the folded text: unit_token_hashes(folded, False), and the sorted unique figures of\n"
             "figures.stated_figures (the CRC-32 of the word tokens that hold a decimal digit, and of the ASCII\n"
             "spelling of the digit runs of such a token outside ASCII).");

static PyObject *word_and_number_hashes(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:word_and_number_hashes", &text))
        return NULL;
    Py_ssize_t room = PyUnicode_GET_LENGTH(text) + 1;
    /* words, numbers (a token and its digit runs: at most two per character), sort scratch */
    uint32_t *hashes = PyMem_Malloc(5 * room * sizeof(uint32_t));
    if (hashes == NULL)
        return PyErr_NoMemory();
    uint32_t *numbers = hashes + room;
    Py_ssize_t count, number_count;
    scan_tokens(text, 0, hashes, &count, numbers, &number_count);
    number_count = sort_unique(numbers, numbers + 2 * room, number_count);
    PyObject *words = uint32_bytearray_of(hashes, count);
    PyObject *figures = words == NULL ? NULL : uint32_bytearray_of(numbers, number_count);
    PyMem_Free(hashes);
    if (figures == NULL) {
        Py_XDECREF(words);
        return NULL;
    }
    return Py_BuildValue("(NN)", words, figures);
}

PyDoc_STRVAR(shingle_set_doc,
             "shingle_set(token_hashes, width, salt) -> bytearray of uint32\n\n"
             "shingles.shingle_hashes from token hashes: each run of `width` tokens (all of them when fewer)\n"
             "combined from `salt`, mixed with fmix32, sorted, repeats dropped.");

static PyObject *shingle_set(PyObject *self, PyObject *args)
{
    Py_buffer hashes;
    Py_ssize_t width;
    unsigned long salt;
    if (!PyArg_ParseTuple(args, "y*nk:shingle_set", &hashes, &width, &salt))
        return NULL;
    const uint32_t *tokens = hashes.buf;
    Py_ssize_t n = hashes.len / (Py_ssize_t)sizeof(uint32_t);
    if (width < 1) {
        PyBuffer_Release(&hashes);
        PyErr_SetString(PyExc_ValueError, "width must be at least 1");
        return NULL;
    }
    Py_ssize_t span = n < width ? n : width;
    Py_ssize_t count = n ? n - span + 1 : 0;
    uint32_t *values;
    PyObject *out = new_uint32_bytearray(count, &values);
    uint32_t *scratch = PyMem_Malloc((count + 1) * sizeof(uint32_t));
    if (out == NULL || scratch == NULL) {
        Py_XDECREF(out);
        PyMem_Free(scratch);
        PyBuffer_Release(&hashes);
        return scratch == NULL ? PyErr_NoMemory() : NULL;
    }
    for (Py_ssize_t i = 0; i < count; i++) {
        uint32_t combined = (uint32_t)salt;
        for (Py_ssize_t offset = 0; offset < span; offset++)
            combined = combined * SHINGLE_MULTIPLIERS[offset % 5] + tokens[i + offset];
        values[i] = fmix32(combined);
    }
    Py_ssize_t kept = sort_unique(values, scratch, count);
    PyMem_Free(scratch);
    PyBuffer_Release(&hashes);
    if (PyByteArray_Resize(out, kept * (Py_ssize_t)sizeof(uint32_t)) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
}

PyDoc_STRVAR(script_counts_doc,
             "script_counts(sample) -> (letters, ideographs, unspaced)\n\n"
             "The three counts shingles.shingle_unit takes with findall: [^\\W\\d_], _IDEOGRAPHS, _UNSPACED_LETTERS.");

static PyObject *script_counts(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:script_counts", &text))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), letters = 0, ideographs = 0, unspaced = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        letters += is_letter(ch);
        if (ch >= 128) {
            ideographs += is_ideograph(ch);
            unspaced += is_unspaced_letter(ch);
        }
    }
    return Py_BuildValue("nnn", letters, ideographs, unspaced);
}

/* ------------------------------------------------------------------ fingerprint.py */

#define PERMUTATION_BLOCK 32 /* signature values kept in registers while the shingles stream past */

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__)
/* the loop vectorises with AVX2 where the CPU has it (chosen at load time), SSE2 otherwise */
__attribute__((target_clones("avx2", "default")))
#endif
static void
sign_one(const uint32_t *mixed, Py_ssize_t count, const uint32_t *a, const uint32_t *b, Py_ssize_t num_perm,
         uint32_t *row)
{
    for (Py_ssize_t start = 0; start < num_perm; start += PERMUTATION_BLOCK) {
        Py_ssize_t width = num_perm - start < PERMUTATION_BLOCK ? num_perm - start : PERMUTATION_BLOCK;
        if (width == PERMUTATION_BLOCK) {
            uint32_t low[PERMUTATION_BLOCK], ba[PERMUTATION_BLOCK], bb[PERMUTATION_BLOCK];
            for (int p = 0; p < PERMUTATION_BLOCK; p++) {
                low[p] = 0xFFFFFFFFu;
                ba[p] = a[start + p];
                bb[p] = b[start + p];
            }
            for (Py_ssize_t i = 0; i < count; i++) {
                uint32_t value = mixed[i];
                for (int p = 0; p < PERMUTATION_BLOCK; p++) {
                    uint32_t h = ba[p] * value + bb[p];
                    low[p] = h < low[p] ? h : low[p];
                }
            }
            memcpy(row + start, low, sizeof(low));
        } else {
            for (Py_ssize_t p = start; p < start + width; p++) {
                uint32_t low = 0xFFFFFFFFu;
                for (Py_ssize_t i = 0; i < count; i++) {
                    uint32_t h = a[p] * mixed[i] + b[p];
                    low = h < low ? h : low;
                }
                row[p] = low;
            }
        }
    }
}

PyDoc_STRVAR(minhash_signatures_doc,
             "minhash_signatures(shingle_sets, a, b, out) -> None\n\n"
             "fingerprint.signatures: row i of `out` (uint32, len(shingle_sets) x len(a)) gets the affine32\n"
             "MinHash of set i, min over its values v of a * fmix32(v) + b (mod 2**32); all ones for an empty set.");

static PyObject *minhash_signatures(PyObject *self, PyObject *args)
{
    PyObject *sets;
    Py_buffer a, b, out;
    if (!PyArg_ParseTuple(args, "Oy*y*w*:minhash_signatures", &sets, &a, &b, &out))
        return NULL;
    PyObject *result = NULL, *seq = PySequence_Fast(sets, "shingle_sets must be a sequence");
    uint32_t *mixed = NULL;
    Py_ssize_t num_perm = a.len / (Py_ssize_t)sizeof(uint32_t);
    if (seq == NULL)
        goto done;
    Py_ssize_t rows = PySequence_Fast_GET_SIZE(seq);
    if (b.len != a.len || out.len != rows * num_perm * (Py_ssize_t)sizeof(uint32_t)) {
        PyErr_SetString(PyExc_ValueError, "a, b and out do not fit the shingle sets");
        goto done;
    }
    Py_ssize_t capacity = 0;
    for (Py_ssize_t r = 0; r < rows; r++) {
        Py_buffer set;
        if (PyObject_GetBuffer(PySequence_Fast_GET_ITEM(seq, r), &set, PyBUF_C_CONTIGUOUS) < 0)
            goto done;
        Py_ssize_t count = set.len / (Py_ssize_t)sizeof(uint32_t);
        uint32_t *row = (uint32_t *)out.buf + r * num_perm;
        if (count > capacity) {
            PyMem_Free(mixed);
            capacity = count * 2;
            mixed = PyMem_Malloc(capacity * sizeof(uint32_t));
            if (mixed == NULL) {
                PyBuffer_Release(&set);
                PyErr_NoMemory();
                goto done;
            }
        }
        for (Py_ssize_t i = 0; i < count; i++)
            mixed[i] = fmix32(((const uint32_t *)set.buf)[i]);
        PyBuffer_Release(&set);
        sign_one(mixed, count, a.buf, b.buf, num_perm, row);
    }
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(mixed);
    Py_XDECREF(seq);
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    PyBuffer_Release(&out);
    return result;
}

/* ------------------------------------------------------------------ verify.py */

PyDoc_STRVAR(shared_count_doc, "shared_count(a, b) -> int\n\n"
                               "verify.shared_count: how many values two sorted unique uint32 arrays share.");

static PyObject *shared_count(PyObject *self, PyObject *args)
{
    Py_buffer a, b;
    if (!PyArg_ParseTuple(args, "y*y*:shared_count", &a, &b))
        return NULL;
    const uint32_t *x = a.buf, *y = b.buf;
    Py_ssize_t n = a.len / (Py_ssize_t)sizeof(uint32_t), m = b.len / (Py_ssize_t)sizeof(uint32_t);
    Py_ssize_t i = 0, j = 0, shared = 0;
    while (i < n && j < m) {
        uint32_t u = x[i], v = y[j];
        shared += u == v;
        i += u <= v;
        j += v <= u;
    }
    PyBuffer_Release(&a);
    PyBuffer_Release(&b);
    return PyLong_FromSsize_t(shared);
}

/* ------------------------------------------------------------------ candidates.py */

PyDoc_STRVAR(enough_shared_doc,
             "enough_shared(values, owners, owner_positions, wanted, filter, buckets, shingle_sets, positions)\n"
             "-> list\n\n"
             "ShortTexts.contained's pairs: for each set r of shingle_sets (sorted unique uint32), each short\n"
             "text s (owner_positions[s] != positions[r]) whose values (the sorted uint32 `values` owned by\n"
             "`owners`, int64) it holds `wanted[s]` (int64) times or more, as the key s << 32 | r, by set.\n"
             "A value v is looked for only where bit v % (8 * len(filter)) of `filter` (bytes, a power of two\n"
             "long, bits in little-endian order: np.packbits(..., bitorder='little')) is set, and only in\n"
             "values[buckets[v >> shift] : buckets[(v >> shift) + 1]] (int64, 2**k + 1 long, shift 32 - k).");

/* The first index in values[0, n) holding v or more. */
static inline Py_ssize_t lower_bound(const uint32_t *values, Py_ssize_t n, uint32_t v)
{
    Py_ssize_t low = 0;
    while (n > 0) {
        Py_ssize_t half = n / 2;
        if (values[low + half] < v) {
            low += half + 1;
            n -= half + 1;
        } else {
            n = half;
        }
    }
    return low;
}

typedef struct {
    const uint32_t *values;
    const int64_t *owners, *owner_positions, *buckets;
    const unsigned char *filter;
    uint32_t mask;
    int shift;
} ShortTable;

static int count_set(PyObject *set_object, const ShortTable *table, int64_t position, int64_t *counts,
                     Py_ssize_t *touched, Py_ssize_t *n_touched)
{
    Py_buffer set;
    if (PyObject_GetBuffer(set_object, &set, PyBUF_C_CONTIGUOUS) < 0)
        return -1;
    const uint32_t *shingles = set.buf;
    Py_ssize_t n = set.len / (Py_ssize_t)sizeof(uint32_t);
    for (Py_ssize_t k = 0; k < n; k++) {
        uint32_t v = shingles[k];
        uint32_t bit = v & table->mask;
        if (!(table->filter[bit >> 3] >> (bit & 7) & 1)) /* most values are held by no short text */
            continue;
        /* a bucket of the sorted values, by their high bits: a search over a few, not all of them */
        Py_ssize_t start = table->buckets[v >> table->shift], end = table->buckets[(v >> table->shift) + 1];
        for (Py_ssize_t i = start + lower_bound(table->values + start, end - start, v);
             i < end && table->values[i] == v; i++) {
            int64_t s = table->owners[i];
            if (table->owner_positions[s] == position)
                continue;
            if (counts[s]++ == 0)
                touched[(*n_touched)++] = (Py_ssize_t)s;
        }
    }
    PyBuffer_Release(&set);
    return 0;
}

static PyObject *enough_shared(PyObject *self, PyObject *args)
{
    Py_buffer values, owners, owner_positions, wanted, filter, buckets, positions;
    PyObject *sets, *seq = NULL, *result = NULL;
    int64_t *counts = NULL;
    Py_ssize_t *touched = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*Oy*:enough_shared", &values, &owners, &owner_positions, &wanted,
                          &filter, &buckets, &sets, &positions))
        return NULL;
    Py_ssize_t n_values = values.len / (Py_ssize_t)sizeof(uint32_t);
    Py_ssize_t n_short = owner_positions.len / (Py_ssize_t)sizeof(int64_t);
    Py_ssize_t n_buckets = buckets.len / (Py_ssize_t)sizeof(int64_t) - 1;
    int shift = 32;
    while (shift > 0 && ((Py_ssize_t)1 << (32 - shift)) < n_buckets)
        shift--;
    ShortTable table = {values.buf, owners.buf, owner_positions.buf, buckets.buf, filter.buf,
                        (uint32_t)(filter.len * 8 - 1), shift};
    if (owners.len != n_values * (Py_ssize_t)sizeof(int64_t) || wanted.len != owner_positions.len ||
        filter.len == 0 || (filter.len & (filter.len - 1)) != 0 || filter.len > ((Py_ssize_t)1 << 29) ||
        n_buckets < 1 || ((Py_ssize_t)1 << (32 - shift)) != n_buckets) {
        PyErr_SetString(PyExc_ValueError, "enough_shared: the table's arrays do not fit together");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_values; i++) {
        if (table.owners[i] < 0 || table.owners[i] >= n_short) {
            PyErr_SetString(PyExc_ValueError, "enough_shared: an owner is not a short text");
            goto done;
        }
    }
    for (Py_ssize_t b = 0; b < n_buckets; b++) {
        if (table.buckets[b] < 0 || table.buckets[b] > table.buckets[b + 1] || table.buckets[b + 1] > n_values) {
            PyErr_SetString(PyExc_ValueError, "enough_shared: the buckets do not cover the values");
            goto done;
        }
    }
    seq = PySequence_Fast(sets, "shingle_sets must be a sequence");
    if (seq == NULL)
        goto done;
    Py_ssize_t rows = PySequence_Fast_GET_SIZE(seq);
    if (positions.len != rows * (Py_ssize_t)sizeof(int64_t)) {
        PyErr_SetString(PyExc_ValueError, "enough_shared: one position per shingle set");
        goto done;
    }
    counts = PyMem_Calloc(n_short ? n_short : 1, sizeof(int64_t));
    touched = PyMem_Malloc((n_short ? n_short : 1) * sizeof(Py_ssize_t));
    result = PyList_New(0);
    if (counts == NULL || touched == NULL || result == NULL) {
        Py_CLEAR(result);
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        goto done;
    }
    const int64_t *want = wanted.buf, *at = positions.buf;
    for (Py_ssize_t r = 0; r < rows; r++) {
        Py_ssize_t n_touched = 0;
        if (count_set(PySequence_Fast_GET_ITEM(seq, r), &table, at[r], counts, touched, &n_touched) < 0) {
            Py_CLEAR(result);
            goto done;
        }
        for (Py_ssize_t t = 0; t < n_touched; t++) {
            Py_ssize_t s = touched[t];
            if (counts[s] >= want[s]) {
                PyObject *key = PyLong_FromLongLong(((long long)s << 32) | (long long)r);
                if (key == NULL || PyList_Append(result, key) < 0) {
                    Py_XDECREF(key);
                    Py_CLEAR(result);
                    goto done;
                }
                Py_DECREF(key);
            }
            counts[s] = 0;
        }
    }
done:
    PyMem_Free(counts);
    PyMem_Free(touched);
    Py_XDECREF(seq);
    PyBuffer_Release(&values);
    PyBuffer_Release(&owners);
    PyBuffer_Release(&owner_positions);
    PyBuffer_Release(&wanted);
    PyBuffer_Release(&filter);
    PyBuffer_Release(&buckets);
    PyBuffer_Release(&positions);
    return result;
}

/* ------------------------------------------------------------------ clean/ */

/* A stoplist as an open-addressing table of code-point strings: a line's words are looked up where
 * they stand, without making a str object of each (which cost most of the lookup). */
typedef struct {
    Py_ssize_t mask;      /* slots - 1, slots a power of two */
    uint64_t *hashes;     /* 0: an empty slot */
    Py_ssize_t *starts;   /* where a slot's word starts in `pool` */
    Py_ssize_t *lengths;
    Py_UCS4 *pool;
} StopwordTable;

#define STOPWORD_TABLE "newsdedup._speedups.StopwordTable"

static inline uint64_t word_hash_step(uint64_t hash, Py_UCS4 ch)
{
    return (hash ^ ch) * 0x100000001B3ull; /* FNV-1a over code points */
}

static void free_stopword_table(PyObject *capsule)
{
    StopwordTable *table = PyCapsule_GetPointer(capsule, STOPWORD_TABLE);
    if (table == NULL)
        return;
    PyMem_Free(table->hashes);
    PyMem_Free(table->starts);
    PyMem_Free(table->lengths);
    PyMem_Free(table->pool);
    PyMem_Free(table);
}

PyDoc_STRVAR(stopword_table_doc,
             "stopword_table(stopwords) -> capsule\n\n"
             "The str items of the frozenset `stopwords`, as the table stopword_hits looks words up in.");

static PyObject *stopword_table(PyObject *self, PyObject *args)
{
    PyObject *stopwords;
    if (!PyArg_ParseTuple(args, "O!:stopword_table", &PyFrozenSet_Type, &stopwords))
        return NULL;
    /* a sequence of the items, read twice: once to size the table, once to fill it */
    PyObject *items = PySequence_List(stopwords);
    if (items == NULL)
        return NULL;
    Py_ssize_t count = 0, pooled = 0;
    for (Py_ssize_t n = 0; n < PyList_GET_SIZE(items); n++) {
        PyObject *word = PyList_GET_ITEM(items, n);
        if (PyUnicode_Check(word)) {
            count++;
            pooled += PyUnicode_GET_LENGTH(word);
        }
    }
    Py_ssize_t slots = 16;
    while (slots < 2 * count)
        slots *= 2;
    StopwordTable *table = PyMem_Calloc(1, sizeof(StopwordTable));
    if (table == NULL) {
        Py_DECREF(items);
        return PyErr_NoMemory();
    }
    table->mask = slots - 1;
    table->hashes = PyMem_Calloc(slots, sizeof(uint64_t));
    table->starts = PyMem_Calloc(slots, sizeof(Py_ssize_t));
    table->lengths = PyMem_Calloc(slots, sizeof(Py_ssize_t));
    table->pool = PyMem_Malloc((pooled + 1) * sizeof(Py_UCS4));
    PyObject *capsule = PyCapsule_New(table, STOPWORD_TABLE, free_stopword_table);
    if (capsule == NULL) {
        PyMem_Free(table->hashes);
        PyMem_Free(table->starts);
        PyMem_Free(table->lengths);
        PyMem_Free(table->pool);
        PyMem_Free(table);
        Py_DECREF(items);
        return NULL;
    }
    if (table->hashes == NULL || table->starts == NULL || table->lengths == NULL || table->pool == NULL) {
        Py_DECREF(capsule);
        Py_DECREF(items);
        return PyErr_NoMemory();
    }
    Py_ssize_t used = 0;
    for (Py_ssize_t n = 0; n < PyList_GET_SIZE(items); n++) {
        PyObject *word = PyList_GET_ITEM(items, n);
        if (!PyUnicode_Check(word))
            continue; /* it can never equal a word of a line */
        int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        Py_ssize_t length = PyUnicode_GET_LENGTH(word);
        uint64_t hash = 0xCBF29CE484222325ull;
        for (Py_ssize_t i = 0; i < length; i++) {
            Py_UCS4 ch = PyUnicode_READ(kind, data, i);
            table->pool[used + i] = ch;
            hash = word_hash_step(hash, ch);
        }
        hash |= 1; /* never 0, the empty slot */
        Py_ssize_t h = (Py_ssize_t)(hash & (uint64_t)table->mask);
        while (table->hashes[h] != 0)
            h = (h + 1) & table->mask;
        table->hashes[h] = hash;
        table->starts[h] = used;
        table->lengths[h] = length;
        used += length;
    }
    Py_DECREF(items);
    return capsule;
}

static int in_stopword_table(const StopwordTable *table, uint64_t hash, int kind, const void *data,
                             Py_ssize_t start, Py_ssize_t length)
{
    hash |= 1;
    for (Py_ssize_t h = (Py_ssize_t)(hash & (uint64_t)table->mask); table->hashes[h] != 0;
         h = (h + 1) & table->mask) {
        if (table->hashes[h] != hash || table->lengths[h] != length)
            continue;
        const Py_UCS4 *word = table->pool + table->starts[h];
        Py_ssize_t i = 0;
        while (i < length && word[i] == PyUnicode_READ(kind, data, start + i))
            i++;
        if (i == length)
            return 1;
    }
    return 0;
}

PyDoc_STRVAR(stopword_hits_doc,
             "stopword_hits(lowered, table, with_marks=False) -> (hits, words)\n\n"
             "The words of a lower-cased line, and how many of them are in the stoplist `table` (made by\n"
             "stopword_table). The words are those of the regex [^\\W\\d_]+ (prefilter.PhraseWords), or\n"
             "with_marks, text.letter_words's runs of letters and combining marks.");

static PyObject *stopword_hits(PyObject *self, PyObject *args)
{
    PyObject *text, *capsule;
    int with_marks = 0;
    if (!PyArg_ParseTuple(args, "UO|p:stopword_hits", &text, &capsule, &with_marks))
        return NULL;
    const StopwordTable *table = PyCapsule_GetPointer(capsule, STOPWORD_TABLE);
    if (table == NULL)
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text), hits = 0, words = 0;
    Py_ssize_t i = 0;
    int part;
    while (i < length) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if ((part = in_letter_word(ch, with_marks)) <= 0) {
            if (part < 0)
                return NULL;
            i++;
            continue;
        }
        Py_ssize_t start = i;
        uint64_t hash = 0xCBF29CE484222325ull;
        while (i < length && (part = in_letter_word(ch = PyUnicode_READ(kind, data, i), with_marks)) > 0) {
            hash = word_hash_step(hash, ch);
            i++;
        }
        if (part < 0)
            return NULL;
        words++;
        hits += in_stopword_table(table, hash, kind, data, start, i - start);
    }
    return Py_BuildValue("nn", hits, words);
}

PyDoc_STRVAR(langid_visits_doc,
             "langid_visits(nextmove, rows, output, text) -> (features, counts)\n\n"
             "py3langid.langid.visit_counts: the DFA walk over the UTF-8 bytes `text` (state = nextmove[\n"
             "(rows[state] << 8) + byte]; a state's feature output[state] counts when >= 0), as the counted\n"
             "features (intp) and their counts (float32), in order of first visit (a Counter's order).\n"
             "nextmove: uint32 buffer, rows: uint16 buffer, output: int32 buffer.");

/* The table is tens of megabytes, so each step of one walk waits for memory. The text is walked as
 * WALKS pieces at once, whose waits overlap: each piece after the first starts WARM_UP bytes early
 * from the start state, and counts only from its own first byte. langid's automaton recognises
 * byte n-grams of a few bytes, so its state depends only on the last few bytes read and the early
 * start catches up with the true state; the walk checks that it did (the state each piece reached
 * before its first byte equals the state the piece before it ended in) and otherwise walks the
 * text again in one piece. Same states, same positions: the same counts in the same order. */
#define WALKS 8
#define WARM_UP 16
#define MIN_PIECE 32

typedef struct {
    const uint32_t *next;
    const uint16_t *row;
    const int32_t *out;
    Py_ssize_t states, moves;
} Automaton;

/* One step from `state` on `byte`; -1 (and an exception) when the tables do not hold it. */
static inline int64_t dfa_step(const Automaton *dfa, uint32_t state, unsigned char byte)
{
    if (state >= (uint32_t)dfa->states) {
        PyErr_SetString(PyExc_ValueError, "DFA state out of range");
        return -1;
    }
    Py_ssize_t move = ((Py_ssize_t)dfa->row[state] << 8) + byte;
    if (move >= dfa->moves) {
        PyErr_SetString(PyExc_ValueError, "DFA move out of range");
        return -1;
    }
    return dfa->next[move];
}

static inline int32_t dfa_feature(const Automaton *dfa, uint32_t state)
{
    return state < (uint32_t)dfa->states ? dfa->out[state] : -1;
}

/* feature_at[i]: the feature counted after byte i (-1: none), walked as one piece. */
static int walk_whole(const Automaton *dfa, const unsigned char *bytes, Py_ssize_t length, int32_t *feature_at)
{
    uint32_t state = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        int64_t moved = dfa_step(dfa, state, bytes[i]);
        if (moved < 0)
            return -1;
        state = (uint32_t)moved;
        feature_at[i] = dfa_feature(dfa, state);
    }
    return 0;
}

/* walk_whole's feature_at, walked as WALKS interleaved pieces (see above). */
static int walk_pieces(const Automaton *dfa, const unsigned char *bytes, Py_ssize_t length, int32_t *feature_at)
{
    int walks = length / MIN_PIECE < WALKS ? (int)(length / MIN_PIECE) : WALKS;
    if (walks < 2)
        return walk_whole(dfa, bytes, length, feature_at);
    Py_ssize_t first[WALKS], at[WALKS], end[WALKS];
    uint32_t state[WALKS], entry[WALKS];
    for (int k = 0; k < walks; k++) {
        first[k] = length * k / walks;
        at[k] = k == 0 ? 0 : first[k] - WARM_UP;
        state[k] = entry[k] = 0;
    }
    for (int k = 0; k < walks; k++)
        end[k] = k + 1 < walks ? first[k + 1] : length;
    Py_ssize_t steps = 0;
    for (int k = 0; k < walks; k++)
        if (end[k] - at[k] > steps)
            steps = end[k] - at[k];
    for (Py_ssize_t step = 0; step < steps; step++) {
        for (int k = 0; k < walks; k++) {
            Py_ssize_t i = at[k];
            if (i >= end[k])
                continue;
            if (i == first[k])
                entry[k] = state[k];
            int64_t moved = dfa_step(dfa, state[k], bytes[i]);
            if (moved < 0) { /* where the one walk fails, it says so */
                PyErr_Clear();
                return walk_whole(dfa, bytes, length, feature_at);
            }
            state[k] = (uint32_t)moved;
            if (i >= first[k])
                feature_at[i] = dfa_feature(dfa, state[k]);
            at[k] = i + 1;
        }
    }
    for (int k = 1; k < walks; k++)
        if (entry[k] != state[k - 1])
            return walk_whole(dfa, bytes, length, feature_at);
    return 0;
}

static PyObject *langid_visits(PyObject *self, PyObject *args)
{
    Py_buffer nextmove, rows, output, text;
    if (!PyArg_ParseTuple(args, "y*y*y*y*:langid_visits", &nextmove, &rows, &output, &text))
        return NULL;
    PyObject *result = NULL, *features = NULL, *counts = NULL;
    Automaton dfa = {nextmove.buf, rows.buf, output.buf, rows.len / 2, nextmove.len / 4};
    const unsigned char *bytes = text.buf;
    if (output.len / 4 != dfa.states) {
        PyErr_SetString(PyExc_ValueError, "rows and output differ in length");
        goto done;
    }
    /* open addressing, feature -> slot in order of first visit; at most one new feature per byte */
    Py_ssize_t size = 16;
    while (size < 2 * text.len + 2)
        size *= 2;
    int32_t *keys = PyMem_Malloc(size * sizeof(int32_t));
    Py_ssize_t *slots = PyMem_Malloc(size * sizeof(Py_ssize_t));
    Py_ssize_t *order = PyMem_Malloc((text.len + 1) * sizeof(Py_ssize_t));
    float *tally = PyMem_Malloc((text.len + 1) * sizeof(float));
    int32_t *feature_at = PyMem_Malloc((text.len + 1) * sizeof(int32_t));
    if (keys == NULL || slots == NULL || order == NULL || tally == NULL || feature_at == NULL) {
        PyErr_NoMemory();
        goto free_tables;
    }
    if (walk_pieces(&dfa, bytes, text.len, feature_at) < 0)
        goto free_tables;
    memset(keys, 0xFF, size * sizeof(int32_t)); /* -1: empty */
    Py_ssize_t distinct = 0;
    for (Py_ssize_t i = 0; i < text.len; i++) {
        int32_t feature = feature_at[i];
        if (feature < 0)
            continue;
        Py_ssize_t h = ((uint32_t)feature * 0x9E3779B1u) & (size - 1);
        while (keys[h] >= 0 && keys[h] != feature)
            h = (h + 1) & (size - 1);
        if (keys[h] < 0) {
            keys[h] = feature;
            slots[h] = distinct;
            order[distinct] = feature;
            tally[distinct++] = 0.0f;
        }
        tally[slots[h]] += 1.0f;
    }
    features = PyBytes_FromStringAndSize((const char *)order, distinct * (Py_ssize_t)sizeof(Py_ssize_t));
    counts = PyBytes_FromStringAndSize((const char *)tally, distinct * (Py_ssize_t)sizeof(float));
    if (features != NULL && counts != NULL)
        result = PyTuple_Pack(2, features, counts);
free_tables:
    PyMem_Free(keys);
    PyMem_Free(slots);
    PyMem_Free(order);
    PyMem_Free(tally);
    PyMem_Free(feature_at);
done:
    Py_XDECREF(features);
    Py_XDECREF(counts);
    PyBuffer_Release(&nextmove);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&output);
    PyBuffer_Release(&text);
    return result;
}

static float half_to_float[65536]; /* every IEEE 754 half-precision value, exactly as float */

static void make_half_table(void)
{
    for (uint32_t bits = 0; bits < 65536; bits++) {
        uint32_t sign = (bits & 0x8000u) << 16, exponent = (bits >> 10) & 0x1F, mantissa = bits & 0x3FF;
        uint32_t out;
        if (exponent == 0x1F) { /* infinity, NaN */
            out = sign | 0x7F800000u | (mantissa << 13);
        } else if (exponent != 0) { /* normal */
            out = sign | ((exponent + 112) << 23) | (mantissa << 13);
        } else if (mantissa == 0) { /* zero */
            out = sign;
        } else { /* subnormal: normalise it */
            int shift = 0;
            while (!(mantissa & 0x400)) {
                mantissa <<= 1;
                shift++;
            }
            out = sign | ((uint32_t)(113 - shift) << 23) | ((mantissa & 0x3FF) << 13);
        }
        memcpy(&half_to_float[bits], &out, sizeof(out));
    }
}

/* The rows are scattered over a table far bigger than the caches, and each costs a trip to memory:
 * asking for a row a few rows ahead lets those trips overlap instead of queueing. */
#define ROWS_AHEAD 16

static inline void prefetch_span(const void *start, Py_ssize_t bytes)
{
#if defined(__GNUC__) || defined(__clang__)
    for (Py_ssize_t offset = 0; offset < bytes; offset += 64)
        __builtin_prefetch((const char *)start + offset);
#else
    (void)start;
    (void)bytes;
#endif
}

/* Where the processor converts halves itself (x86 F16C, eight at a time), a row costs a fraction of
 * the table lookups. Eight halves holding an infinity or a NaN go through the table: F16C quiets a
 * signalling NaN, numpy's cast keeps its bits. */
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#include <cpuid.h>
#include <immintrin.h>
#define HALF_CONVERSION_INSTRUCTIONS 1
static int has_f16c;

/* F16C and AVX on the processor, and the AVX registers saved by the system (XCR0 bits 1 and 2). */
static int cpu_has_f16c(void)
{
    unsigned int eax, ebx, ecx, edx;
    const unsigned int needed = (1u << 27) | (1u << 28) | (1u << 29); /* OSXSAVE, AVX, F16C */
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & needed) != needed)
        return 0;
    unsigned int xcr0, xcr0_high;
    __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(xcr0_high) : "c"(0));
    return (xcr0 & 6) == 6;
}

__attribute__((target("avx,f16c"))) static void convert_halves_f16c(const uint16_t *source, float *target,
                                                                       Py_ssize_t count)
{
    const __m128i exponent = _mm_set1_epi16(0x7C00);
    Py_ssize_t c = 0;
    for (; c + 8 <= count; c += 8) {
        __m128i halves = _mm_loadu_si128((const __m128i *)(source + c));
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(halves, exponent), exponent))) {
            for (int k = 0; k < 8; k++)
                target[c + k] = half_to_float[source[c + k]];
        } else {
            _mm256_storeu_ps(target + c, _mm256_cvtph_ps(halves));
        }
    }
    for (; c < count; c++)
        target[c] = half_to_float[source[c]];
}
#endif

static void convert_halves(const uint16_t *source, float *target, Py_ssize_t count)
{
#ifdef HALF_CONVERSION_INSTRUCTIONS
    if (has_f16c) {
        convert_halves_f16c(source, target, count);
        return;
    }
#endif
    for (Py_ssize_t c = 0; c < count; c++)
        target[c] = half_to_float[source[c]];
}

PyDoc_STRVAR(half_rows_doc,
             "half_rows(matrix, columns, rows, out) -> None\n\n"
             "matrix[rows].astype(float32) of a C-contiguous float16 matrix with `columns` columns, into the\n"
             "float32 buffer `out` (len(rows) x columns); rows: intp buffer. Exact: every half is a float.");

static PyObject *half_rows(PyObject *self, PyObject *args)
{
    Py_buffer matrix, rows, out;
    Py_ssize_t columns;
    if (!PyArg_ParseTuple(args, "y*ny*w*:half_rows", &matrix, &columns, &rows, &out))
        return NULL;
    PyObject *result = NULL;
    const uint16_t *halves = matrix.buf;
    const Py_ssize_t *chosen = rows.buf;
    float *floats = out.buf;
    Py_ssize_t count = rows.len / (Py_ssize_t)sizeof(Py_ssize_t);
    Py_ssize_t height = columns > 0 ? matrix.len / 2 / columns : 0;
    if (columns < 1 || out.len != count * columns * (Py_ssize_t)sizeof(float)) {
        PyErr_SetString(PyExc_ValueError, "out does not fit the rows");
        goto done;
    }
    for (Py_ssize_t r = 0; r < count; r++) {
        if (chosen[r] < 0 || chosen[r] >= height) {
            PyErr_SetString(PyExc_IndexError, "row out of range");
            goto done;
        }
        if (r + ROWS_AHEAD < count && chosen[r + ROWS_AHEAD] >= 0 && chosen[r + ROWS_AHEAD] < height)
            prefetch_span(halves + chosen[r + ROWS_AHEAD] * columns, columns * sizeof(uint16_t));
        convert_halves(halves + chosen[r] * columns, floats + r * columns, columns);
    }
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&matrix);
    PyBuffer_Release(&rows);
    PyBuffer_Release(&out);
    return result;
}

/* ------------------------------------------------------------------ lines */

PyDoc_STRVAR(edge_trimmed_words_doc,
             "edge_trimmed_words(text) -> str\n\n"
             "rules.phrase_key's last step: \" \".join(_without_edge_punctuation(text).split()), the text\n"
             "without the non-alphanumerics (str.isalnum) at either end, except the combining marks of its\n"
             "last alphanumeric, its white space runs as one space.");

static PyObject *edge_trimmed_words(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:edge_trimmed_words", &text))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t start = 0, end = PyUnicode_GET_LENGTH(text);
    while (start < end && !Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, start)))
        start++;
    /* at the end, the combining marks of the last alphanumeric stay; marks after a symbol go with it */
    while (end > start && !Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, end - 1))) {
        Py_ssize_t letter = end - 1;
        int mark = 0;
        while (letter > start && (mark = is_mark(PyUnicode_READ(kind, data, letter))) > 0)
            letter--;
        if (letter > start && mark < 0)
            return NULL;
        if (letter == end - 1)
            end--;
        else if (Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, letter)))
            break;
        else
            end = letter + 1;
    }
    /* every white space run lies inside now and becomes one space */
    Py_UCS4 *out = PyMem_Malloc((end - start + 1) * sizeof(Py_UCS4));
    if (out == NULL)
        return PyErr_NoMemory();
    Py_ssize_t used = 0;
    int in_space = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(ch)) {
            if (!in_space)
                out[used++] = ' ';
            in_space = 1;
        } else {
            out[used++] = ch;
            in_space = 0;
        }
    }
    PyObject *words = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, used);
    PyMem_Free(out);
    return words;
}

PyDoc_STRVAR(word_count_doc,
             "word_count(line) -> int\n\n"
             "clean.lines.word_count: len(line.split()), plus half the kana, CJK and Thai characters\n"
             "(scripts written without spaces) of a line that is not ASCII.");

/* lines.py: _UNSPACED (kana, CJK, Thai), two of which count as a word */
static inline int is_half_word(Py_UCS4 ch)
{
    return (ch >= 0x3040 && ch <= 0x30FF) || (ch >= 0x3400 && ch <= 0x4DBF) || (ch >= 0x4E00 && ch <= 0x9FFF) ||
           (ch >= 0x0E00 && ch <= 0x0E7F);
}

static PyObject *word_count(PyObject *self, PyObject *args)
{
    PyObject *line;
    if (!PyArg_ParseTuple(args, "U:word_count", &line))
        return NULL;
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t length = PyUnicode_GET_LENGTH(line), words = 0, unspaced = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(ch)) {
            in_word = 0;
        } else {
            words += !in_word;
            in_word = 1;
            unspaced += is_half_word(ch);
        }
    }
    return PyLong_FromSsize_t(words + unspaced / 2);
}

PyDoc_STRVAR(digit_words_doc,
             "digit_words(line) -> (with_digit, words)\n\n"
             "text._figure_share's counts: the words of line.split(), and how many of them hold a character c\n"
             "with c.isdigit().");

static PyObject *digit_words(PyObject *self, PyObject *args)
{
    PyObject *line;
    if (!PyArg_ParseTuple(args, "U:digit_words", &line))
        return NULL;
    int kind = PyUnicode_KIND(line);
    const void *data = PyUnicode_DATA(line);
    Py_ssize_t length = PyUnicode_GET_LENGTH(line), words = 0, with_digit = 0;
    int in_word = 0, counted = 0;
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 ch = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(ch)) {
            in_word = 0;
            continue;
        }
        if (!in_word) {
            words++;
            in_word = 1;
            counted = 0;
        }
        if (!counted && is_digit(ch)) {
            with_digit++;
            counted = 1;
        }
    }
    return Py_BuildValue("(nn)", with_digit, words);
}

PyDoc_STRVAR(year_starts_doc,
             "year_starts(text) -> list of int\n\n"
             "figures._date_matches' years: where each maximal run of exactly four decimal digits (\\d) starts.");

static PyObject *year_starts(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:year_starts", &text))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    PyObject *starts = PyList_New(0);
    if (starts == NULL)
        return NULL;
    Py_ssize_t i = 0;
    while (i < length) {
        if (!is_decimal(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t start = i;
        while (i < length && is_decimal(PyUnicode_READ(kind, data, i)))
            i++;
        if (i - start == 4) {
            PyObject *number = PyLong_FromSsize_t(start);
            if (number == NULL || PyList_Append(starts, number) < 0) {
                Py_XDECREF(number);
                Py_DECREF(starts);
                return NULL;
            }
            Py_DECREF(number);
        }
    }
    return starts;
}

PyDoc_STRVAR(split_lines_doc,
             "split_lines(text) -> list of str\n\n"
             "lines.split_lines: [\" \".join(words) for line in visible(text).splitlines() if (words := line.split())].\n"
             "Every line break of splitlines is white space to split, so a line ends at a break and its words\n"
             "end at any white space; a line without words is left out (as an empty line between \\r and \\n).");

static PyObject *split_lines(PyObject *self, PyObject *args)
{
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U:split_lines", &text))
        return NULL;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    PyObject *lines = PyList_New(0);
    Py_UCS4 *line = PyMem_Malloc((length + 1) * sizeof(Py_UCS4)); /* a line is never longer than the text */
    if (lines == NULL || line == NULL) {
        Py_XDECREF(lines);
        PyMem_Free(line);
        return PyErr_NoMemory();
    }
    Py_ssize_t used = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i <= length; i++) {
        Py_UCS4 ch = i < length ? PyUnicode_READ(kind, data, i) : '\n';
        if (is_invisible(ch))
            continue;
        if (is_linebreak(ch)) {
            if (used > 0) {
                PyObject *joined = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, line, used);
                if (joined == NULL || PyList_Append(lines, joined) < 0) {
                    Py_XDECREF(joined);
                    Py_DECREF(lines);
                    PyMem_Free(line);
                    return NULL;
                }
                Py_DECREF(joined);
            }
            used = 0;
            in_word = 0;
        } else if (Py_UNICODE_ISSPACE(ch)) {
            in_word = 0;
        } else {
            if (!in_word && used > 0)
                line[used++] = ' ';
            line[used++] = ch;
            in_word = 1;
        }
    }
    PyMem_Free(line);
    return lines;
}

/* ------------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"unit_token_hashes", unit_token_hashes, METH_VARARGS, unit_token_hashes_doc},
    {"word_and_number_hashes", word_and_number_hashes, METH_VARARGS, word_and_number_hashes_doc},
    {"shingle_set", shingle_set, METH_VARARGS, shingle_set_doc},
    {"script_counts", script_counts, METH_VARARGS, script_counts_doc},
    {"minhash_signatures", minhash_signatures, METH_VARARGS, minhash_signatures_doc},
    {"shared_count", shared_count, METH_VARARGS, shared_count_doc},
    {"enough_shared", enough_shared, METH_VARARGS, enough_shared_doc},
    {"stopword_table", stopword_table, METH_VARARGS, stopword_table_doc},
    {"stopword_hits", stopword_hits, METH_VARARGS, stopword_hits_doc},
    {"langid_visits", langid_visits, METH_VARARGS, langid_visits_doc},
    {"half_rows", half_rows, METH_VARARGS, half_rows_doc},
    {"split_lines", split_lines, METH_VARARGS, split_lines_doc},
    {"edge_trimmed_words", edge_trimmed_words, METH_VARARGS, edge_trimmed_words_doc},
    {"word_count", word_count, METH_VARARGS, word_count_doc},
    {"year_starts", year_starts, METH_VARARGS, year_starts_doc},
    {"digit_words", digit_words, METH_VARARGS, digit_words_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "newsdedup._speedups",
    "Compiled twins of newsdedup's hot functions; see newsdedup.native.", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void)
{
    make_crc_table();
    make_half_table();
#ifdef HALF_CONVERSION_INSTRUCTIONS
    has_f16c = cpu_has_f16c();
#endif
    make_ascii_tables();
    return PyModule_Create(&module);
}
