/* Run Python code in several interpreters at once, each with a GIL of its
 * own, from C threads of an embedding program.
 *
 * Build it against an installed percore and run it:
 *
 *     cc embed_parallel.c $(pkg-config --cflags --libs python3-embed) \
 *         -o embed_parallel
 *     ./embed_parallel [N [LIMIT]]
 *
 * One unit of work counts the primes below LIMIT (default 200000) in pure
 * Python.  The program times N units run one after the other in one
 * interpreter, then N units run at the same time in N interpreters (N is
 * the number of CPUs by default, at least 2), checks every result against
 * a sieve written in C and prints the speedup.  It then shows the failures
 * an embedder has to handle: configurations that Py_NewInterpreterEx()
 * refuses, and a Python exception in one interpreter, which is reported
 * while the other interpreters finish their work.
 *
 * How the threads use the C API:
 *
 * - The main thread initializes Python and then releases the main
 *   interpreter's GIL with PyEval_SaveThread(), so that the workers can
 *   take it; it takes it back with PyEval_RestoreThread() once it has
 *   joined them, and finalizes.
 * - A worker is a plain C thread with no thread state.  Py_NewInterpreterEx()
 *   must be called with some interpreter's thread state current and that
 *   interpreter's GIL held, so the worker first enters the main interpreter
 *   with PyGILState_Ensure().
 * - On success Py_NewInterpreterEx() leaves the new interpreter's thread
 *   state current with its own GIL held, and has released the main GIL:
 *   from there on the worker runs at the same time as the others.  On
 *   failure the worker's main-interpreter thread state is current again.
 * - Py_EndInterpreter() destroys the interpreter, its thread state and its
 *   GIL, and leaves no thread state current.  PyEval_RestoreThread() goes
 *   back to the main-interpreter thread state and PyGILState_Release()
 *   deletes it.  No PyGILState_*() call is made while the worker's own
 *   interpreter is current: that API only knows the main interpreter.
 * - No Python object goes from one interpreter to another.  A worker gets
 *   its input as C values and hands its result back as C values (a number
 *   and a message copied into a C buffer) before its interpreter is gone.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The unit of work, run in every interpreter. */
static const char work_source[] =
    "def count_primes(limit):\n"
    "    if limit < 2:\n"
    "        raise ValueError(f'limit must be at least 2, not {limit}')\n"
    "    count = 0\n"
    "    for k in range(2, limit):\n"
    "        d = 2\n"
    "        while d * d <= k:\n"
    "            if k % d == 0:\n"
    "                break\n"
    "            d += 1\n"
    "        else:\n"
    "            count += 1\n"
    "    return count\n";

/* What a worker is given and what it hands back: C values only.  The
 * worker writes the results; main() reads them after pthread_join(). */
struct job {
    long limit;         /* the argument of count_primes() */
    int repeat;         /* units of work, one after the other */
    int ok;             /* 1: every call returned a count */
    long count;         /* what count_primes(limit) returned */
    char error[256];    /* why not, when ok is 0 */
};

/* Copy the current Python exception into job->error and clear it.  The
 * message is copied, not kept as an object: the interpreter that raised it
 * is destroyed before main() reads it. */
static void
store_exception(struct job *job)
{
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    const char *name = type != NULL ? PyExceptionClass_Name(type) : "?";
    PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
    const char *message = text != NULL ? PyUnicode_AsUTF8(text) : NULL;
    if (message == NULL) {
        PyErr_Clear();
        message = "(the message could not be read)";
    }
    snprintf(job->error, sizeof(job->error), "%s: %s", name, message);
    Py_XDECREF(text);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
}

/* Run the job in the current interpreter. */
static void
run_job(struct job *job)
{
    PyObject *main_module = PyImport_AddModule("__main__");  /* borrowed */
    if (main_module == NULL) {
        store_exception(job);
        return;
    }
    PyObject *globals = PyModule_GetDict(main_module);  /* borrowed */
    PyObject *result = PyRun_String(work_source, Py_file_input,
                                    globals, globals);
    if (result == NULL) {
        store_exception(job);
        return;
    }
    Py_DECREF(result);
    PyObject *func = PyObject_GetAttrString(main_module, "count_primes");
    if (func == NULL) {
        store_exception(job);
        return;
    }
    for (int i = 0; i < job->repeat; i++) {
        PyObject *value = PyObject_CallFunction(func, "l", job->limit);
        long count = value != NULL ? PyLong_AsLong(value) : -1;
        Py_XDECREF(value);
        if (count == -1 && PyErr_Occurred()) {
            store_exception(job);
            Py_DECREF(func);
            return;
        }
        job->count = count;
    }
    Py_DECREF(func);
    job->ok = 1;
}

/* The body of a worker thread: an interpreter of its own for one job. */
static void *
worker(void *arg)
{
    struct job *job = arg;

    /* Enter the main interpreter: a new thread state, the main GIL. */
    PyGILState_STATE gilstate = PyGILState_Ensure();
    PyThreadState *main_tstate = PyThreadState_Get();

    PyInterpreterConfig config = PyInterpreterConfig_INIT;
    PyThreadState *tstate = NULL;
    PyStatus status = Py_NewInterpreterEx(&tstate, &config);
    if (PyStatus_Exception(status) || tstate == NULL) {
        /* Nothing was created and main_tstate is current again. */
        snprintf(job->error, sizeof(job->error),
                 "Py_NewInterpreterEx() failed: %s",
                 status.err_msg != NULL ? status.err_msg : "no memory");
        PyGILState_Release(gilstate);
        return NULL;
    }

    /* tstate is current, with its interpreter's own GIL held. */
    run_job(job);
    Py_EndInterpreter(tstate);

    /* No thread state is current: return to the main interpreter's. */
    PyEval_RestoreThread(main_tstate);
    PyGILState_Release(gilstate);
    return NULL;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run each job in a thread and an interpreter of its own, all at once;
 * return the wall-clock time it took.  Called with no thread state
 * current: the workers need the main GIL. */
static double
run_jobs(struct job *jobs, int njobs)
{
    pthread_t *threads = calloc(njobs, sizeof(*threads));
    int *started = calloc(njobs, sizeof(*started));
    if (threads == NULL || started == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    double start = now();
    for (int i = 0; i < njobs; i++) {
        int err = pthread_create(&threads[i], NULL, worker, &jobs[i]);
        if (err != 0) {
            snprintf(jobs[i].error, sizeof(jobs[i].error),
                     "pthread_create() failed: %s", strerror(err));
        }
        started[i] = (err == 0);
    }
    for (int i = 0; i < njobs; i++) {
        if (started[i]) {
            pthread_join(threads[i], NULL);
        }
    }
    double elapsed = now() - start;
    free(threads);
    free(started);
    return elapsed;
}

/* The number of primes below limit, to check the interpreters' answers. */
static long
sieve_count(long limit)
{
    char *composite = calloc(limit > 2 ? limit : 2, 1);
    if (composite == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    long count = 0;
    for (long k = 2; k < limit; k++) {
        if (!composite[k]) {
            count++;
            for (long m = k * k; m < limit; m += k) {
                composite[m] = 1;
            }
        }
    }
    free(composite);
    return count;
}

/* Print the outcome of each job; return the number of wrong answers. */
static int
report(const char *label, struct job *jobs, int njobs, long expected)
{
    int wrong = 0;
    for (int i = 0; i < njobs; i++) {
        if (!jobs[i].ok) {
            printf("%s: interpreter %d failed: %s\n", label, i, jobs[i].error);
            wrong++;
        }
        else {
            printf("%s: interpreter %d: count_primes(%ld) = %ld, %d time%s\n",
                   label, i, jobs[i].limit, jobs[i].count, jobs[i].repeat,
                   jobs[i].repeat == 1 ? "" : "s");
            wrong += (jobs[i].count != expected);
        }
    }
    return wrong;
}

/* Configurations that Py_NewInterpreterEx() refuses with an error status.
 * Called with the main thread state current; it stays current. */
static int
show_refused_configs(void)
{
    PyInterpreterConfig configs[3] = {
        PyInterpreterConfig_INIT, PyInterpreterConfig_INIT,
        PyInterpreterConfig_INIT,
    };
    configs[0].use_main_obmalloc = 1;     /* own_gil needs its allocator */
    configs[1].strict_extensions = 0;     /* its allocator needs the check */
    configs[2].allow_threads = 0;         /* and daemon threads are threads */
    configs[2].allow_daemon_threads = 1;
    PyThreadState *main_tstate = PyThreadState_Get();
    int wrong = 0;
    for (int i = 0; i < 3; i++) {
        PyThreadState *tstate = NULL;
        PyStatus status = Py_NewInterpreterEx(&tstate, &configs[i]);
        if (PyStatus_Exception(status)) {
            /* Nothing was created; main_tstate is still current. */
            printf("refused: %s\n",
                   status.err_msg != NULL ? status.err_msg : "(exit)");
            continue;
        }
        printf("config %d was not refused\n", i);
        wrong++;
        if (tstate != NULL) {
            /* An own-GIL interpreter: back with PyEval_RestoreThread(). */
            Py_EndInterpreter(tstate);
            PyEval_RestoreThread(main_tstate);
        }
    }
    return wrong;
}

int
main(int argc, char **argv)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int n = argc > 1 ? atoi(argv[1]) : (ncpu > 2 ? (int)ncpu : 2);
    long limit = argc > 2 ? atol(argv[2]) : 200000;
    if (n < 1 || n > 256 || limit < 2) {
        fprintf(stderr, "usage: %s [N [LIMIT]]  (1 <= N <= 256, LIMIT >= 2)\n",
                argv[0]);
        return 2;
    }
    long expected = sieve_count(limit);
    /* Each line out before the next step, whatever stdout is. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* An isolated configuration: no environment variables, no user site
     * directory, no current directory on sys.path. */
    PyConfig pyconfig;
    PyConfig_InitIsolatedConfig(&pyconfig);
    PyStatus status = Py_InitializeFromConfig(&pyconfig);
    PyConfig_Clear(&pyconfig);
    if (PyStatus_Exception(status)) {
        Py_ExitStatusException(status);
    }

    int wrong = show_refused_configs();

    /* From here until the workers are joined, the main thread holds no
     * GIL and has no thread state current. */
    PyThreadState *main_tstate = PyEval_SaveThread();

    /* N units of work in one interpreter, one after the other. */
    struct job single = {.limit = limit, .repeat = n};
    double t_single = run_jobs(&single, 1);
    wrong += report("sequential", &single, 1, expected);

    /* N units of work in N interpreters at the same time. */
    struct job *jobs = calloc(n, sizeof(*jobs));
    if (jobs == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        jobs[i] = (struct job){.limit = limit, .repeat = 1};
    }
    double t_parallel = run_jobs(jobs, n);
    wrong += report("parallel", jobs, n, expected);
    free(jobs);

    printf("1 interpreter: %.3f s; %d interpreters: %.3f s; "
           "speedup %.2f on %ld CPUs\n",
           t_single, n, t_parallel, t_single / t_parallel, ncpu);

    /* An exception in one interpreter does not stop the others. */
    struct job mixed[3] = {
        {.limit = 1000, .repeat = 1},
        {.limit = 1, .repeat = 1},          /* raises ValueError */
        {.limit = 1000, .repeat = 1},
    };
    run_jobs(mixed, 3);
    int failed = report("mixed", mixed, 3, sieve_count(1000));
    if (failed != 1 || mixed[1].ok) {
        printf("mixed: expected exactly interpreter 1 to fail\n");
        wrong++;
    }

    printf("results: %s\n", wrong ? "WRONG" : "correct");

    PyEval_RestoreThread(main_tstate);
    if (Py_FinalizeEx() < 0) {
        printf("Py_FinalizeEx() failed\n");
        return 1;
    }
    printf("finalized\n");
    return wrong ? 1 : 0;
}
