// GNU readline (Debian: libreadline-dev).
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

static inline char *slicer_rl_line_buffer(void) { return rl_line_buffer; }
static inline int slicer_rl_point(void) { return rl_point; }
static inline int slicer_rl_end(void) { return rl_end; }
/// The prompt readline shows now: ours, or the search prompt during Ctrl-R.
static inline const char *slicer_rl_display_prompt(void) { return rl_display_prompt; }
static inline int slicer_rl_is_searching(void) {
  return (rl_readline_state & (RL_STATE_ISEARCH | RL_STATE_NSEARCH)) != 0;
}

static void slicer_rl_no_prep(int meta) { (void)meta; }
static void slicer_rl_no_deprep(void) {}

/// Readline as a line editor inside curses (the alternate, callback interface): keys come from
/// `getc` (the TUI feeds them), the display is the TUI's (`redisplay` only marks the line
/// dirty), and readline never touches the terminal: no mode changes, no signal or SIGWINCH
/// handlers, no output (its bell and any escape sequences go to /dev/null).
static inline void slicer_rl_embed(rl_getc_func_t *getc, rl_hook_func_t *available,
                                   rl_voidfunc_t *redisplay) {
  rl_catch_signals = 0;
  rl_catch_sigwinch = 0;
  rl_change_environment = 0;
  rl_prep_term_function = slicer_rl_no_prep;
  rl_deprep_term_function = slicer_rl_no_deprep;
  rl_getc_function = getc;
  rl_input_available_hook = available;
  rl_redisplay_function = redisplay;
  FILE *sink = fopen("/dev/null", "w");
  if (sink) rl_outstream = sink;
}

/// Readline on a real terminal (the line-mode REPL): its own display, on `output`; signals
/// stay with the program.
static inline void slicer_rl_standalone(FILE *output) {
  rl_catch_signals = 0;
  rl_catch_sigwinch = 1;
  rl_change_environment = 0;
  if (output) rl_outstream = output;
}

static inline FILE *slicer_stderr(void) { return stderr; }

static inline void slicer_rl_clear_line(void) {
  rl_replace_line("", 0);
  rl_point = 0;
  rl_mark = 0;
}
