/* Private copies of extension modules (percore).

   An interpreter created with PyInterpreterConfig.private_extension_copies
   loads an extension module that its strict check refuses (single-phase,
   or multi-phase without Py_MOD_PER_INTERPRETER_GIL_SUPPORTED) from a
   private copy of the module's shared library instead.  The dynamic loader
   maps a file it has not seen before afresh, with its own data and bss, so
   the module's C globals and static types belong to that interpreter
   alone.  The copy is a file of a unique name in the temporary directory,
   removed as soon as it is loaded; the module's __file__ and __spec__
   name the original.

   Each interpreter keeps a list of its copies (one per shared library it
   copied) and unloads them when it is deleted, after its last object is
   gone, unless the copy left something behind that still points into its
   code (a signal handler, a Py_AtExit() function, PyOS_InputHook).

   What a copy cannot separate is refused before the copy is made, with an
   ImportError saying why: libraries linking a C library that owns one
   terminal, screen or event loop per process (readline, editline, curses,
   Tcl/Tk), PyO3 modules (one process-wide runtime per Rust library that a
   copy duplicates, which crashed the process in the allocator), and C++
   libraries exporting STB_GNU_UNIQUE symbols, which the dynamic loader
   binds to one definition for the whole process, copies or not. */

#include "Python.h"
#include "pycore_import.h"
#include "pycore_interp.h"
#include "pycore_moduleobject.h"  // _PyModule_PackageContext
#include "pycore_pylifecycle.h"   // _PyArg_HasStaticParser()
#include "pycore_pystate.h"       // _PyInterpreterState_GET()
#include "pycore_runtime.h"       // _PyRuntime

#if defined(HAVE_DYNAMIC_LOADING) && defined(HAVE_DLFCN_H) \
    && defined(__ELF__) && defined(HAVE_FCNTL_H) && !defined(MS_WINDOWS)
#  define HAVE_PRIVATE_EXTENSION_COPIES
#endif

#ifdef HAVE_PRIVATE_EXTENSION_COPIES

#include "importdl.h"             // PyModInitFunction
#include <dlfcn.h>                // dlopen()
#include <elf.h>
#include <fcntl.h>                // open()
#include <signal.h>               // sigaction()

struct _private_extension_copy {
    struct _private_extension_copy *next;
    char *origin;                 /* the shared library copied */
    void *handle;                 /* the copy's dlopen() handle */
    void *base;                   /* where the copy is mapped */
    size_t size;                  /* bytes copied */
};

#if SIZEOF_VOID_P == 8
#  define COPY_ELFCLASS ELFCLASS64
typedef Elf64_Ehdr copy_Ehdr;
typedef Elf64_Phdr copy_Phdr;
typedef Elf64_Shdr copy_Shdr;
typedef Elf64_Sym copy_Sym;
typedef Elf64_Dyn copy_Dyn;
#  define COPY_ST_BIND ELF64_ST_BIND
#else
#  define COPY_ELFCLASS ELFCLASS32
typedef Elf32_Ehdr copy_Ehdr;
typedef Elf32_Phdr copy_Phdr;
typedef Elf32_Shdr copy_Shdr;
typedef Elf32_Sym copy_Sym;
typedef Elf32_Dyn copy_Dyn;
#  define COPY_ST_BIND ELF32_ST_BIND
#endif

#ifndef STB_GNU_UNIQUE
#  define STB_GNU_UNIQUE 10
#endif

/* C libraries that own one terminal, screen or event loop per process:
   two copies of a module wrapping them would drive the same one. */
static const char * const process_wide_libraries[] = {
    "libreadline.so", "libedit.so", "libncurses.so", "libncursesw.so",
    "libpanel.so", "libpanelw.so", "libtk", "libtcl", NULL,
};

static int
range_ok(size_t len, uint64_t off, uint64_t size)
{
    return off <= len && size <= len - off;
}

/* 1 if a symbol of the ELF image at st_shndx/st_value is data that stays
   writable once the library is loaded: in a writable section, outside
   the PT_GNU_RELRO segment that the dynamic loader makes read-only after
   relocation. */
static int
writable_data(const unsigned char *data, size_t len, const copy_Ehdr *eh,
              const copy_Shdr *sh, size_t shndx, uint64_t value)
{
    if (shndx >= eh->e_shnum || !(sh[shndx].sh_flags & SHF_WRITE)) {
        return 0;
    }
    if (eh->e_phentsize == sizeof(copy_Phdr)
        && range_ok(len, eh->e_phoff,
                    (uint64_t)eh->e_phnum * sizeof(copy_Phdr)))
    {
        const copy_Phdr *ph = (const copy_Phdr *)(data + eh->e_phoff);
        for (size_t i = 0; i < eh->e_phnum; i++) {
            if (ph[i].p_type == PT_GNU_RELRO && value >= ph[i].p_vaddr
                && value - ph[i].p_vaddr < ph[i].p_memsz)
            {
                return 0;
            }
        }
    }
    return 1;
}

/* Why a copy of the ELF image data[0:len] would not be a module of its
   own, or NULL if nothing is known against it.  *needed is set to the
   name of the process-wide library it links, if that is the reason. */
static const char *
copy_refusal(const unsigned char *data, size_t len, const char **needed)
{
    static const char pyo3_marker[] = "pyo3_runtime.PanicException";
    *needed = NULL;
    if (len < sizeof(copy_Ehdr) || memcmp(data, ELFMAG, SELFMAG) != 0
        || data[EI_CLASS] != COPY_ELFCLASS)
    {
        return "it is not an ELF shared library of this platform";
    }
    const copy_Ehdr *eh = (const copy_Ehdr *)data;
    if (eh->e_shentsize != sizeof(copy_Shdr)
        || !range_ok(len, eh->e_shoff,
                     (uint64_t)eh->e_shnum * sizeof(copy_Shdr)))
    {
        return "its ELF section headers cannot be read";
    }
    const copy_Shdr *sh = (const copy_Shdr *)(data + eh->e_shoff);
    for (size_t i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNAMIC && sh[i].sh_type != SHT_DYNSYM) {
            continue;
        }
        if (sh[i].sh_link >= eh->e_shnum
            || !range_ok(len, sh[i].sh_offset, sh[i].sh_size))
        {
            return "its ELF sections cannot be read";
        }
        const copy_Shdr *strtab = &sh[sh[i].sh_link];
        if (!range_ok(len, strtab->sh_offset, strtab->sh_size)
            || strtab->sh_size == 0
            || data[strtab->sh_offset + strtab->sh_size - 1] != '\0')
        {
            return "its ELF string table cannot be read";
        }
        const char *names = (const char *)data + strtab->sh_offset;
        if (sh[i].sh_type == SHT_DYNAMIC) {
            const copy_Dyn *dyn = (const copy_Dyn *)(data + sh[i].sh_offset);
            size_t n = sh[i].sh_size / sizeof(copy_Dyn);
            for (size_t j = 0; j < n && dyn[j].d_tag != DT_NULL; j++) {
                if (dyn[j].d_tag != DT_NEEDED
                    || dyn[j].d_un.d_val >= strtab->sh_size)
                {
                    continue;
                }
                const char *lib = names + dyn[j].d_un.d_val;
                for (int k = 0; process_wide_libraries[k] != NULL; k++) {
                    const char *prefix = process_wide_libraries[k];
                    if (strncmp(lib, prefix, strlen(prefix)) == 0) {
                        *needed = lib;
                        return "it links a C library that keeps one "
                               "terminal, screen or event loop for the "
                               "whole process";
                    }
                }
            }
        }
        else {
            const copy_Sym *syms = (const copy_Sym *)(data + sh[i].sh_offset);
            size_t n = sh[i].sh_size / sizeof(copy_Sym);
            for (size_t j = 0; j < n; j++) {
                /* The dynamic loader binds every copy's STB_GNU_UNIQUE
                   symbols (C++ inline and template statics) to the first
                   definition, the original library's, which is never
                   unloaded: read-only tables may be shared, variables
                   may not. */
                if (syms[j].st_shndx != SHN_UNDEF
                    && COPY_ST_BIND(syms[j].st_info) == STB_GNU_UNIQUE
                    && writable_data(data, len, eh, sh, syms[j].st_shndx,
                                     syms[j].st_value))
                {
                    return "it defines writable STB_GNU_UNIQUE symbols "
                           "(C++ inline or template static variables), which "
                           "the dynamic loader shares between all copies";
                }
            }
        }
    }
    /* Every PyO3 module makes this exception type; PyO3 keeps runtime
       state that a copy duplicates and that is not safe to duplicate. */
    if (memmem(data, len, pyo3_marker, sizeof(pyo3_marker) - 1) != NULL) {
        return "it is a PyO3 (Rust) module, whose runtime does not "
               "survive being loaded twice in one process";
    }
    return NULL;
}

/* Read the whole file; 0 on success, else -1 with errno set. */
static int
read_library(const char *path, unsigned char **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        goto error;
    }
    if (st.st_size <= 0 || (uint64_t)st.st_size > PY_SSIZE_T_MAX) {
        errno = EINVAL;
        goto error;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = PyMem_RawMalloc(len);
    if (buf == NULL) {
        errno = ENOMEM;
        goto error;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;   /* the file shrank meanwhile */
            }
            PyMem_RawFree(buf);
            goto error;
        }
        done += (size_t)n;
    }
    close(fd);
    *data = buf;
    *size = len;
    return 0;

error:
    {
        int saved = errno;
        close(fd);
        errno = saved;
    }
    return -1;
}

/* Write data to a new file of a name no other copy in this process has
   had (the dynamic loader knows a loaded library by its name, too), load
   it and remove the file.  Returns the handle, or NULL with *error set to
   a static message or to dlerror()'s. */
static void *
load_copy(PyInterpreterState *interp, const char *origin,
          const unsigned char *data, size_t size, const char **error)
{
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || tmpdir[0] == '\0') {
        tmpdir = "/tmp";
    }
    const char *base = strrchr(origin, '/');
    base = base != NULL ? base + 1 : origin;
    /* Interpreter ids are never reused, and each interpreter counts its
       copies: the name is unique for the life of the process. */
    size_t cap = strlen(tmpdir) + strlen(base) + 80;
    char *path = PyMem_RawMalloc(cap);
    if (path == NULL) {
        *error = "out of memory";
        return NULL;
    }
    PyOS_snprintf(path, cap, "%s/percore-copy-%ld-%lld-%lu-XXXXXX",
                  tmpdir, (long)getpid(), (long long)interp->id,
                  ++interp->private_extension_copies_made);
    int fd = mkstemp(path);
    if (fd < 0) {
        *error = strerror(errno);
        PyMem_RawFree(path);
        return NULL;
    }
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            *error = n < 0 ? strerror(errno) : "short write";
            close(fd);
            unlink(path);
            PyMem_RawFree(path);
            return NULL;
        }
        done += (size_t)n;
    }
    close(fd);
    /* Never RTLD_GLOBAL: a copy's symbols must not stand in for those
       of other copies. */
    int flags = (interp->dlopenflags & ~RTLD_GLOBAL) | RTLD_LOCAL;
    void *handle = dlopen(path, flags);
    if (handle == NULL) {
        *error = dlerror();
        if (*error == NULL) {
            *error = "unknown dlopen() error";
        }
    }
    unlink(path);
    PyMem_RawFree(path);
    return handle;
}

static struct _private_extension_copy *
find_copy(PyInterpreterState *interp, const char *origin)
{
    for (struct _private_extension_copy *copy = interp->private_extension_copies;
         copy != NULL; copy = copy->next)
    {
        if (strcmp(copy->origin, origin) == 0) {
            return copy;
        }
    }
    return NULL;
}

static void
raise_copy_error(PyObject *name, PyObject *path, const char *why,
                 const char *detail)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    PyObject *msg;
    if (detail != NULL) {
        msg = PyUnicode_FromFormat(
            "module %R cannot be loaded in interpreter %lld, not even from "
            "a private copy (private_extension_copies): %s (%s)",
            name, (long long)PyInterpreterState_GetID(interp), why, detail);
    }
    else {
        msg = PyUnicode_FromFormat(
            "module %R cannot be loaded in interpreter %lld, not even from "
            "a private copy (private_extension_copies): %s",
            name, (long long)PyInterpreterState_GetID(interp), why);
    }
    if (msg != NULL) {
        PyErr_SetImportError(msg, name, path);
        Py_DECREF(msg);
    }
}

/* The copy of origin in interp, made now if it has none; NULL with
   ImportError set if it cannot be made. */
static struct _private_extension_copy *
get_copy(PyInterpreterState *interp, PyObject *name, PyObject *path,
         const char *origin)
{
    struct _private_extension_copy *copy = find_copy(interp, origin);
    if (copy != NULL) {
        return copy;
    }
    unsigned char *data = NULL;
    size_t size = 0;
    int res, err = 0;
    Py_BEGIN_ALLOW_THREADS
    res = read_library(origin, &data, &size);
    if (res < 0) {
        err = errno;
    }
    Py_END_ALLOW_THREADS
    if (res < 0) {
        raise_copy_error(name, path, "its shared library cannot be read",
                         strerror(err));
        return NULL;
    }
    const char *needed;
    const char *why = copy_refusal(data, size, &needed);
    if (why != NULL) {
        raise_copy_error(name, path, why, needed);  /* needed is in data */
        PyMem_RawFree(data);
        return NULL;
    }
    copy = PyMem_RawCalloc(1, sizeof(*copy));
    char *origin_copy = copy != NULL ? _PyMem_RawStrdup(origin) : NULL;
    if (origin_copy == NULL) {
        PyMem_RawFree(copy);
        PyMem_RawFree(data);
        PyErr_NoMemory();
        return NULL;
    }
    const char *error = NULL;
    void *handle;
    Py_BEGIN_ALLOW_THREADS
    handle = load_copy(interp, origin, data, size, &error);
    Py_END_ALLOW_THREADS
    PyMem_RawFree(data);
    if (handle == NULL) {
        PyMem_RawFree(origin_copy);
        PyMem_RawFree(copy);
        raise_copy_error(name, path, "its copy could not be loaded", error);
        return NULL;
    }
    struct _private_extension_copy *other = find_copy(interp, origin);
    if (other != NULL) {
        /* Another thread of this interpreter copied the library (for
           another of its modules) while this one did not hold the GIL. */
        dlclose(handle);
        PyMem_RawFree(origin_copy);
        PyMem_RawFree(copy);
        return other;
    }
    copy->origin = origin_copy;
    copy->handle = handle;
    copy->size = size;
    copy->next = interp->private_extension_copies;
    interp->private_extension_copies = copy;
    return copy;
}

/* The key under which interp->own_extensions keeps the dict a
   single-phase module of a copy had after its init function: the
   per-interpreter counterpart of PyModuleDef.m_base.m_copy, which such
   a module neither uses nor fills. */
static PyObject *
copy_dict_key(PyObject *name, PyObject *path)
{
    return PyTuple_Pack(3, path, name, Py_None);
}

/* A single-phase module of a copy imported again in the same interpreter
   (after it left sys.modules): rebuilt from the dict its init function
   left, as m_copy does for the main interpreter.  NULL without an
   exception if there is none. */
static PyObject *
reuse_single_phase(PyInterpreterState *interp, PyObject *name,
                   PyObject *path)
{
    if (interp->own_extensions == NULL) {
        return NULL;
    }
    PyObject *key = copy_dict_key(name, path);
    if (key == NULL) {
        return NULL;
    }
    PyObject *saved = PyDict_GetItemWithError(interp->own_extensions, key);
    Py_DECREF(key);
    if (saved == NULL) {
        return NULL;
    }
    PyModuleDef *def = PyLong_AsVoidPtr(PyTuple_GET_ITEM(saved, 0));
    if (def == NULL) {
        return NULL;
    }
    PyObject *mod = PyModule_NewObject(name);
    if (mod == NULL) {
        return NULL;
    }
    if (PyDict_Update(PyModule_GetDict(mod), PyTuple_GET_ITEM(saved, 1)) < 0
        || PyObject_SetItem(interp->modules, name, mod) < 0)
    {
        Py_DECREF(mod);
        return NULL;
    }
    if (_PyState_AddModule(_PyThreadState_GET(), mod, def) < 0) {
        PyMapping_DelItem(interp->modules, name);
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}

static PyObject *
finish_single_phase(PyInterpreterState *interp, PyObject *m,
                    PyModInitFunction initfunc, PyObject *name,
                    PyObject *path)
{
    PyModuleDef *def = PyModule_GetDef(m);
    if (def == NULL) {
        PyErr_Format(PyExc_SystemError,
                     "initialization of %U did not return an extension "
                     "module", name);
        return NULL;
    }
    def->m_base.m_init = initfunc;
    if (PyModule_AddObjectRef(m, "__file__", path) < 0) {
        PyErr_Clear();  /* as the ordinary loader does */
    }
    if (PyObject_SetItem(interp->modules, name, m) < 0) {
        return NULL;
    }
    if (_PyState_AddModule(_PyThreadState_GET(), m, def) < 0) {
        PyMapping_DelItem(interp->modules, name);
        return NULL;
    }
    if (def->m_size == -1) {
        if (interp->own_extensions == NULL) {
            interp->own_extensions = PyDict_New();
            if (interp->own_extensions == NULL) {
                return NULL;
            }
        }
        PyObject *dict = PyDict_Copy(PyModule_GetDict(m));
        PyObject *defobj = PyLong_FromVoidPtr(def);
        PyObject *saved = (dict != NULL && defobj != NULL)
            ? PyTuple_Pack(2, defobj, dict) : NULL;
        Py_XDECREF(dict);
        Py_XDECREF(defobj);
        PyObject *key = saved != NULL ? copy_dict_key(name, path) : NULL;
        int res = key != NULL
            ? PyDict_SetItem(interp->own_extensions, key, saved) : -1;
        Py_XDECREF(key);
        Py_XDECREF(saved);
        if (res < 0) {
            return NULL;
        }
    }
    return Py_NewRef(m);
}

PyObject *
_PyImport_LoadPrivateCopy(PyObject *spec, PyObject *name, PyObject *path)
{
    PyInterpreterState *interp = _PyInterpreterState_GET();
    if (!PyUnicode_Check(name) || !PyUnicode_Check(path)) {
        PyErr_SetString(PyExc_TypeError,
                        "spec.name and spec.origin must be strings");
        return NULL;
    }
    PyObject *mod = reuse_single_phase(interp, name, path);
    if (mod != NULL || PyErr_Occurred()) {
        return mod;
    }

    Py_ssize_t len = PyUnicode_GET_LENGTH(name);
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, len, -1);
    if (dot < -1) {
        return NULL;
    }
    PyObject *shortname = PyUnicode_Substring(name, dot + 1, len);
    if (shortname == NULL) {
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(shortname)) {
        Py_DECREF(shortname);
        raise_copy_error(name, path,
                         "copies of modules with non-ASCII names are not "
                         "supported", NULL);
        return NULL;
    }
    PyObject *funcname = PyUnicode_FromFormat("PyInit_%U", shortname);
    Py_DECREF(shortname);
    if (funcname == NULL) {
        return NULL;
    }
    PyObject *path_bytes = PyUnicode_EncodeFSDefault(path);
    if (path_bytes == NULL) {
        Py_DECREF(funcname);
        return NULL;
    }
    struct _private_extension_copy *copy = get_copy(
        interp, name, path, PyBytes_AS_STRING(path_bytes));
    Py_DECREF(path_bytes);
    if (copy == NULL) {
        Py_DECREF(funcname);
        return NULL;
    }
    PyModInitFunction initfunc = (PyModInitFunction)dlsym(
        copy->handle, PyUnicode_AsUTF8(funcname));
    if (initfunc == NULL) {
        PyObject *msg = PyUnicode_FromFormat(
            "dynamic module does not define module export function (%U)",
            funcname);
        Py_DECREF(funcname);
        if (msg != NULL) {
            PyErr_SetImportError(msg, name, path);
            Py_DECREF(msg);
        }
        return NULL;
    }
    Py_DECREF(funcname);
    if (copy->base == NULL) {
        Dl_info info;
        if (dladdr((void *)initfunc, &info) != 0) {
            copy->base = info.dli_fbase;
        }
    }

    if (_PyInterpreterState_GetConfig(interp)->verbose) {
        PySys_FormatStderr("import %U # private copy of %R\n", name, path);
    }
    const char *oldcontext = _PyModule_PackageContext;
    _PyModule_PackageContext = PyUnicode_AsUTF8(name);
    if (_PyModule_PackageContext == NULL) {
        _PyModule_PackageContext = oldcontext;
        return NULL;
    }
    PyObject *m = _PyImport_InitFunc_TrampolineCall(initfunc);
    _PyModule_PackageContext = oldcontext;

    if (m == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_Format(PyExc_SystemError,
                         "initialization of %U failed without raising an "
                         "exception", name);
        }
        return NULL;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(m);
        PyErr_Clear();
        PyErr_Format(PyExc_SystemError,
                     "initialization of %U raised unreported exception",
                     name);
        return NULL;
    }
    if (Py_IS_TYPE(m, NULL)) {
        /* A PyModuleDef returned without PyModuleDef_Init() */
        PyErr_Format(PyExc_SystemError,
                     "init function of %U returned uninitialized object",
                     name);
        return NULL;
    }
    if (PyObject_TypeCheck(m, &PyModuleDef_Type)) {
        /* The copy is this interpreter's alone: what the module declares
           about interpreters no longer matters. */
        return PyModule_FromDefAndSpec((PyModuleDef *)m, spec);
    }
    mod = finish_single_phase(interp, m, initfunc, name, path);
    Py_DECREF(m);
    return mod;
}

/* 1 if ptr lies in the shared library mapped at base. */
static int
points_into(const void *ptr, void *base)
{
    Dl_info info;
    return ptr != NULL && base != NULL && dladdr(ptr, &info) != 0
           && info.dli_fbase == base;
}

/* Why the copy mapped at base must stay loaded, or NULL if nothing known
   still points into it. */
static const char *
still_used(void *base)
{
    if (base == NULL) {
        return "its address is unknown";
    }
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        if (sigaction(sig, NULL, &sa) == 0) {
            void *handler = (sa.sa_flags & SA_SIGINFO)
                ? (void *)sa.sa_sigaction : (void *)sa.sa_handler;
            if (points_into(handler, base)) {
                return "a signal handler";
            }
        }
    }
    for (int i = 0; i < _PyRuntime.nexitfuncs; i++) {
        if (points_into((void *)_PyRuntime.exitfuncs[i], base)) {
            return "a Py_AtExit() function";
        }
    }
    if (points_into((void *)PyOS_InputHook, base)) {
        return "PyOS_InputHook";
    }
    /* A static keyword parser (Argument Clinic, _PyArg_Parser) that the
       copy's code used is listed process-wide until finalization. */
    if (_PyArg_HasStaticParser(points_into, base)) {
        return "a static _PyArg_Parser";
    }
    return NULL;
}

void
_PyImport_UnloadPrivateCopies(PyInterpreterState *interp, int unload)
{
    struct _private_extension_copy *copy = interp->private_extension_copies;
    interp->private_extension_copies = NULL;
    while (copy != NULL) {
        struct _private_extension_copy *next = copy->next;
        /* The interpreter's objects are gone; a copy is unloaded unless
           something outside the interpreter still points into it. */
        if (unload && still_used(copy->base) == NULL) {
            dlclose(copy->handle);
        }
        PyMem_RawFree(copy->origin);
        PyMem_RawFree(copy);
        copy = next;
    }
}

int
_PyImport_HasPrivateCopy(PyInterpreterState *interp, PyObject *path)
{
    if (interp->private_extension_copies == NULL || !PyUnicode_Check(path)) {
        return 0;
    }
    PyObject *path_bytes = PyUnicode_EncodeFSDefault(path);
    if (path_bytes == NULL) {
        PyErr_Clear();
        return 0;
    }
    int found = find_copy(interp, PyBytes_AS_STRING(path_bytes)) != NULL;
    Py_DECREF(path_bytes);
    return found;
}

Py_ssize_t
_PyImport_PrivateCopiesSize(PyInterpreterState *interp, Py_ssize_t *count)
{
    Py_ssize_t total = 0, n = 0;
    for (struct _private_extension_copy *copy = interp->private_extension_copies;
         copy != NULL; copy = copy->next)
    {
        total += (Py_ssize_t)copy->size;
        n++;
    }
    if (count != NULL) {
        *count = n;
    }
    return total;
}

#else  /* !HAVE_PRIVATE_EXTENSION_COPIES */

PyObject *
_PyImport_LoadPrivateCopy(PyObject *Py_UNUSED(spec), PyObject *name,
                          PyObject *path)
{
    PyObject *msg = PyUnicode_FromFormat(
        "module %R cannot be loaded from a private copy: private extension "
        "copies need ELF shared libraries and dlopen()", name);
    if (msg != NULL) {
        PyErr_SetImportError(msg, name, path);
        Py_DECREF(msg);
    }
    return NULL;
}

void
_PyImport_UnloadPrivateCopies(PyInterpreterState *Py_UNUSED(interp),
                              int Py_UNUSED(unload))
{
}

int
_PyImport_HasPrivateCopy(PyInterpreterState *Py_UNUSED(interp),
                         PyObject *Py_UNUSED(path))
{
    return 0;
}

Py_ssize_t
_PyImport_PrivateCopiesSize(PyInterpreterState *Py_UNUSED(interp),
                            Py_ssize_t *count)
{
    if (count != NULL) {
        *count = 0;
    }
    return 0;
}

#endif  /* HAVE_PRIVATE_EXTENSION_COPIES */
