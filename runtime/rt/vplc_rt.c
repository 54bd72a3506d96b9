/*
 * vPLC's real-time helper for the scan threads (Linux). Each function acts on the thread that
 * calls it, so a resource worker makes itself real time and the main (I/O) thread stays as it
 * is. It also gives the scan loop a clock and a sleep that allocate nothing on the JavaScript
 * heap: times are exchanged through a Float64Array of the caller's, never as arguments or
 * results (a double crossing into or out of a call is boxed by V8: an allocation).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static void *typed_data(napi_env env, napi_value v, size_t min_length) {
  napi_typedarray_type type;
  void *data = NULL;
  napi_value buffer;
  size_t length = 0, offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok) return NULL;
  return length >= min_length ? data : NULL;
}

/*
 * A clock's slots (Float64Array): [0] now and [1] a deadline, in ns since the epoch; [2] and
 * [3] the epoch, CLOCK_MONOTONIC seconds and nanoseconds (exact as doubles).
 */
enum { S_NOW, S_DEADLINE, S_EPOCH_S, S_EPOCH_NS, S_COUNT };

static int64_t epoch_of(const double *slots) {
  return (int64_t)slots[S_EPOCH_S] * 1000000000LL + (int64_t)slots[S_EPOCH_NS];
}

/* now(slots): slots[0] = ns since the epoch */
static napi_value now(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  double *slots = typed_data(env, argv[0], S_COUNT);
  if (slots) slots[S_NOW] = (double)(mono_ns() - epoch_of(slots));
  return undefined(env);
}

/*
 * sleep(slots, attention: Int32Array): until slots[1] (Infinity: no deadline) or until
 * attention[0] is not 0 (another thread sets it, then calls wake). Returns true at the
 * deadline, false when woken by the attention word; slots[0] is the time at return.
 */
static napi_value sleep_until(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  double *slots = typed_data(env, argv[0], S_COUNT);
  int32_t *word = typed_data(env, argv[1], 1);
  napi_value b;
  if (!slots || !word) {
    napi_get_boolean(env, false, &b);
    return b;
  }
  int64_t ep = epoch_of(slots);
  double deadline = slots[S_DEADLINE];
  int finite = deadline < 9.0e18; /* Infinity: no deadline */
  int woken = 0;
  for (;;) {
    if (__atomic_load_n(word, __ATOMIC_SEQ_CST) != 0) {
      woken = 1;
      break;
    }
    if (finite && (double)(mono_ns() - ep) >= deadline) break;
    struct timespec abs, *timeout = NULL;
    if (finite) {
      int64_t at = ep + (int64_t)deadline;
      abs.tv_sec = at / 1000000000LL;
      abs.tv_nsec = at % 1000000000LL;
      timeout = &abs;
    }
    /* an absolute CLOCK_MONOTONIC time; returns at once when the word is no longer 0 */
    long r = syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, 0, timeout, NULL, FUTEX_BITSET_MATCH_ANY);
    if (r == -1 && errno == ETIMEDOUT) break;
  }
  slots[S_NOW] = (double)(mono_ns() - ep);
  napi_get_boolean(env, !woken, &b);
  return b;
}

/* wake(word: Int32Array): wake the thread sleeping on word[0] (after setting it) */
static napi_value wake(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t *word = typed_data(env, argv[0], 1);
  if (word) syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
  return undefined(env);
}

static void set_int(napi_env env, napi_value obj, const char *name, int64_t v) {
  napi_value x;
  napi_create_int64(env, v, &x);
  napi_set_named_property(env, obj, name, x);
}

/*
 * Every thread of the process that is not real time (the I/O thread, V8's and libuv's helper
 * threads) leaves CPU `cpu`, kept for the scan threads; threads started later inherit the mask
 * of their creator. A page fault or a lock held there by one of them delays a scan (on a VM a
 * fault on a page given back to the host stops the whole virtual CPU for milliseconds).
 * Returns the threads moved, or -errno of the first refusal (-EINVAL: no other CPU allowed).
 */
static int keep_others_off(int cpu) {
  /* every online CPU but that one (the calling thread's own mask may already be one CPU) */
  cpu_set_t set;
  CPU_ZERO(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  for (long i = 0; i < n && i < CPU_SETSIZE; i++) CPU_SET(i, &set);
  CPU_CLR(cpu, &set);
  if (CPU_COUNT(&set) == 0) return -EINVAL;
  DIR *dir = opendir("/proc/self/task");
  if (!dir) return -errno;
  int moved = 0;
  struct dirent *d;
  while ((d = readdir(dir)) != NULL) {
    pid_t tid = (pid_t)atoi(d->d_name);
    if (tid <= 0) continue;
    int policy = sched_getscheduler(tid) & ~SCHED_RESET_ON_FORK;
    if (policy == SCHED_FIFO || policy == SCHED_RR) continue; /* scan threads */
    if (sched_setaffinity(tid, sizeof set, &set) == 0) moved++;
    else if (errno != ESRCH && errno != EINVAL) {
      moved = -errno;
      break;
    }
  }
  closedir(dir);
  return moved;
}

/*
 * realtime(priority, cpu): for the calling thread, SCHED_FIFO at `priority` (0: leave the
 * policy), pinned to `cpu` (-1: leave the affinity), timer slack 1 ns. Returns
 * { tid, fifo, affinity, slack }: 0 or the errno of each step (-1: not asked), and others: the
 * threads moved off `cpu` (keep_others_off) once SCHED_FIFO is granted.
 * SCHED_RESET_ON_FORK: a thread this one starts does not inherit the real-time policy.
 */
static napi_value realtime(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t priority = 0, cpu = -1;
  napi_get_value_int32(env, argv[0], &priority);
  napi_get_value_int32(env, argv[1], &cpu);
  pid_t tid = (pid_t)syscall(SYS_gettid);
  napi_value out;
  napi_create_object(env, &out);
  set_int(env, out, "tid", tid);
  /* a SCHED_OTHER thread's sleeps end up to 50 µs late by default (timer slack); real-time ones have none */
  int e = prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0 ? 0 : errno;
  set_int(env, out, "slack", e);
  int fifo = -1;
  if (priority > 0) {
    struct sched_param p = { .sched_priority = priority };
    fifo = sched_setscheduler(tid, SCHED_FIFO | SCHED_RESET_ON_FORK, &p) == 0 ? 0 : errno;
  }
  set_int(env, out, "fifo", fifo);
  /* the others leave the CPU first: this thread, now real time, is not moved */
  set_int(env, out, "others", fifo == 0 && cpu >= 0 ? keep_others_off(cpu) : 0);
  e = -1;
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    e = sched_setaffinity(tid, sizeof set, &set) == 0 ? 0 : errno;
  }
  set_int(env, out, "affinity", e);
  return out;
}

/* tid(): the kernel's id of the calling thread (/proc/<pid>/task/<tid>) */
static napi_value thread_id(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_create_int32(env, (int32_t)syscall(SYS_gettid), &v);
  return v;
}

/* trim(): give the C heap's free pages back to the system (malloc_trim, every arena); true when some were */
static napi_value trim(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value v;
  napi_get_boolean(env, malloc_trim(0) != 0, &v);
  return v;
}

/* mallocThresholds(bytes): blocks from this size are mapped on their own and given back when freed, and
 * free memory at the top of an arena from this size is returned (fixed, not glibc's growing defaults) */
static napi_value malloc_thresholds(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t bytes = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_int32(env, argv[0], &bytes);
  int ok = bytes > 0 && mallopt(M_MMAP_THRESHOLD, bytes) == 1 && mallopt(M_TRIM_THRESHOLD, bytes) == 1;
  napi_value v;
  napi_get_boolean(env, ok, &v);
  return v;
}

/*
 * Memory locking. mlockall cannot be used: V8 (Node 20, V8 11.3) frees and uncommits its pages
 * with OS::SetPermissions(kNoAccess), which is mprotect(PROT_NONE) then madvise(MADV_DONTNEED)
 * with CHECK(0 == ret); the kernel refuses MADV_DONTNEED on locked pages (EINVAL), so V8 aborts
 * (at every worker's teardown, when its code space is freed, and whenever a code page or a
 * pooled page is given back). So only memory V8 never gives back is locked: the calling thread's
 * stack near its top, and the executable file mappings (node, with V8's builtins, and its
 * libraries). The V8 heap is kept resident by prefaulting instead (resource-worker.ts).
 */

/* mlock [lo, hi) rounded to pages; adds the bytes to *locked, keeps the first errno in *err */
static void lock_range(uintptr_t lo, uintptr_t hi, double *locked, int *err) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  lo &= ~(page - 1);
  hi = (hi + page - 1) & ~(page - 1);
  if (hi <= lo) return;
  if (mlock((void *)lo, hi - lo) == 0) *locked += (double)(hi - lo);
  else if (*err == 0) *err = errno;
}

/*
 * lockMemory(stackBytes): for the calling thread, locks (and so faults in) the top stackBytes of
 * its stack, then every executable file mapping of the process. Returns { stack, code, errno }:
 * the bytes locked of each, and 0 or the first refusal (EPERM: no CAP_IPC_LOCK and
 * RLIMIT_MEMLOCK 0; ENOMEM: over RLIMIT_MEMLOCK).
 */
static napi_value lock_memory(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t stack_bytes = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_int32(env, argv[0], &stack_bytes);
  double stack = 0, code = 0;
  int err = 0;
  pthread_attr_t attr;
  void *base;
  size_t size;
  if (stack_bytes > 0 && pthread_getattr_np(pthread_self(), &attr) == 0) {
    if (pthread_attr_getstack(&attr, &base, &size) == 0) {
      uintptr_t hi = (uintptr_t)base + size, lo = hi - (size_t)stack_bytes;
      if (lo < (uintptr_t)base) lo = (uintptr_t)base;
      lock_range(lo, hi, &stack, &err);
    }
    pthread_attr_destroy(&attr);
  }
  FILE *maps = fopen("/proc/self/maps", "r");
  if (maps) {
    char line[512];
    while (fgets(line, sizeof line, maps)) {
      unsigned long lo, hi, inode;
      char perms[8];
      if (sscanf(line, "%lx-%lx %7s %*s %*s %lu", &lo, &hi, perms, &inode) != 4) continue;
      if (perms[2] == 'x' && inode != 0) lock_range(lo, hi, &code, &err);
    }
    fclose(maps);
  }
  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_double(env, stack, &v);
  napi_set_named_property(env, out, "stack", v);
  napi_create_double(env, code, &v);
  napi_set_named_property(env, out, "code", v);
  set_int(env, out, "errno", err);
  return out;
}

/* faults(out: Float64Array): [0] minor and [1] major page faults of the calling thread so far */
static napi_value thread_faults(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  double *out = typed_data(env, argv[0], 2);
  struct rusage ru;
  if (out && getrusage(RUSAGE_THREAD, &ru) == 0) {
    out[0] = (double)ru.ru_minflt;
    out[1] = (double)ru.ru_majflt;
  }
  return undefined(env);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "now", NULL, now, NULL, NULL, NULL, napi_default, NULL },
    { "sleep", NULL, sleep_until, NULL, NULL, NULL, napi_default, NULL },
    { "wake", NULL, wake, NULL, NULL, NULL, napi_default, NULL },
    { "realtime", NULL, realtime, NULL, NULL, NULL, napi_default, NULL },
    { "tid", NULL, thread_id, NULL, NULL, NULL, napi_default, NULL },
    { "trim", NULL, trim, NULL, NULL, NULL, napi_default, NULL },
    { "mallocThresholds", NULL, malloc_thresholds, NULL, NULL, NULL, napi_default, NULL },
    { "lockMemory", NULL, lock_memory, NULL, NULL, NULL, napi_default, NULL },
    { "faults", NULL, thread_faults, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE_INIT() {
  return init(env, exports);
}
