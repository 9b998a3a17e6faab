// ncursesw with wide-character functions (Debian: libncurses-dev).
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// Swift 6 rejects C globals as not concurrency-safe, and function-like macros are not imported:
// accessors for what the TUI needs.
static inline WINDOW *slicer_stdscr(void) { return stdscr; }
static inline int slicer_lines(void) { return LINES; }
static inline int slicer_cols(void) { return COLS; }
static inline chtype slicer_color_pair(int n) { return COLOR_PAIR(n); }
static inline int slicer_key_f(int n) { return KEY_F(n); }

// Attributes and mouse masks are function-like macros in curses.h.
static inline attr_t slicer_a_bold(void) { return A_BOLD; }
static inline attr_t slicer_a_dim(void) { return A_DIM; }
static inline attr_t slicer_a_reverse(void) { return A_REVERSE; }
static inline attr_t slicer_a_underline(void) { return A_UNDERLINE; }
static inline mmask_t slicer_wheel_mask(void) { return BUTTON4_PRESSED | BUTTON5_PRESSED; }
static inline int slicer_is_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int slicer_is_wheel_down(mmask_t state) { return (state & BUTTON5_PRESSED) != 0; }

/// Writes `count` wide characters at a cell of the standard screen in one style.
static inline void slicer_put(int row, int column, const wchar_t *text, int count, attr_t attributes,
                              short pair) {
  wattr_set(stdscr, attributes, pair, NULL);
  mvwaddnwstr(stdscr, row, column, text, count);
}

static inline WINDOW *slicer_curscr(void) { return curscr; }
static inline SCREEN *slicer_newterm(void) { return newterm(NULL, stdout, stdin); }
