/* A stand-in for cluster.exe (built with -DSCLOG, for the `sc config`/`sc failure` calls
 * Wine's sc.exe lacks; with -DFINDSTR, for findstr, which Wine 8 has only as a stub that
 * finds everything), for running the generated cluster.cmd under Wine. The findstr stand-in
 * does what Microsoft documents for the two forms the script uses: `/l /i /c:"TEXT" FILE` (a
 * literal, anywhere in a line) and `/r /i /c:"RE" FILE` (`^`, `$`, `.`, `X*`), exit 0 when a
 * line matches, 1 otherwise.
 *
 * The cluster is kept as text files in C:\amx\cl\: nodes.txt (one node a line), group-<G>
 * (a role exists), res-<R>.txt (a resource: `group=`, `type=`, `prop:K=V`, `dep=`, `check=`,
 * `owner=` lines). It answers the commands cluster.cmd uses with the exit codes cluster.exe
 * documents: 5013 no such group, 5007 no such resource, 5042 no such node, 5003 the
 * dependency exists, 183 the checkpoint exists. Every invocation is logged to C:\amx\cl\log.txt
 * as its arguments, one line each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#define DIR "C:\\amx\\cl\\"
#define MAXL 256

static char lines[MAXL][512];
static int n;

static void logargs(int argc, char **argv) {
    FILE *f = fopen(DIR "log.txt", "a");
    if (!f) return;
#ifdef SCLOG
    fputs("sc", f);
#else
    fputs("cluster", f);
#endif
    for (int i = 1; i < argc; i++) fprintf(f, " [%s]", argv[i]);
    fputs("\n", f);
    fclose(f);
}

static int load(const char *path) {
    FILE *f = fopen(path, "r");
    n = 0;
    if (!f) return 0;
    while (n < MAXL && fgets(lines[n], sizeof lines[n], f)) {
        lines[n][strcspn(lines[n], "\r\n")] = 0;
        if (lines[n][0]) n++;
    }
    fclose(f);
    return 1;
}

static void save(const char *path) {
    FILE *f = fopen(path, "w");
    for (int i = 0; i < n; i++) fprintf(f, "%s\n", lines[i]);
    fclose(f);
}

static int find(const char *line) {
    for (int i = 0; i < n; i++)
        if (_stricmp(lines[i], line) == 0) return i;
    return -1;
}

static void add(const char *line) {
    if (find(line) < 0 && n < MAXL) strcpy(lines[n++], line);
}

static void drop(int i) {
    for (; i + 1 < n; i++) strcpy(lines[i], lines[i + 1]);
    n--;
}

/* the value of `key=` in the loaded lines, or "" */
static const char *value(const char *key) {
    size_t k = strlen(key);
    for (int i = 0; i < n; i++)
        if (_strnicmp(lines[i], key, k) == 0) return lines[i] + k;
    return "";
}

static void set(const char *key, const char *val) {
    size_t k = strlen(key);
    for (int i = 0; i < n; i++)
        if (_strnicmp(lines[i], key, k) == 0) { drop(i); break; }
    char l[512];
    snprintf(l, sizeof l, "%s%s", key, val);
    add(l);
}

static int exists(const char *path) {
    FILE *f = fopen(path, "r");
    if (f) fclose(f);
    return f != NULL;
}

static int node_list(void) {
    return load(DIR "nodes.txt");
}

static int node_cmd(int argc, char **argv) {
    node_list();
    if (argc == 2) {
        printf("Listing status for all available nodes:\r\n\r\nNode           Node ID Status\r\n-------------- ------- ---------------\r\n");
        for (int i = 0; i < n; i++) printf("%-14s %7d Up\r\n", lines[i], i + 1);
        return 0;
    }
    return find(argv[2]) >= 0 ? 0 : 5042;
}

static int group_cmd(int argc, char **argv) {
    char path[512];
    if (argc < 4) return 87;
    snprintf(path, sizeof path, DIR "group-%s", argv[2]);
    if (_stricmp(argv[3], "/create") == 0) {
        if (exists(path)) return 5010;
        FILE *f = fopen(path, "w");
        fclose(f);
        return 0;
    }
    return exists(path) ? 0 : 5013;
}

static int resource_cmd(int argc, char **argv) {
    char path[512], l[512];
    if (argc < 4) return 87;
    const char *name = argv[2], *op = argv[3];
    snprintf(path, sizeof path, DIR "res-%s.txt", name);
    if (_stricmp(op, "/create") == 0) {
        if (exists(path)) return 5010;
        char group[256] = "", type[256] = "", gpath[512];
        for (int i = 4; i < argc; i++) {
            if (_strnicmp(argv[i], "/group:", 7) == 0) strcpy(group, argv[i] + 7);
            if (_strnicmp(argv[i], "/type:", 6) == 0) strcpy(type, argv[i] + 6);
        }
        snprintf(gpath, sizeof gpath, DIR "group-%s", group);
        if (!exists(gpath)) return 5013;
        char nodes[MAXL][512];
        int k = node_list() ? n : 0;
        memcpy(nodes, lines, sizeof nodes);
        n = 0;
        set("group=", group);
        set("type=", type);
        /* a new resource may run on every node */
        for (int i = 0; i < k; i++) { snprintf(l, sizeof l, "owner=%s", nodes[i]); add(l); }
        save(path);
        return 0;
    }
    if (!load(path)) return 5007;
    if (_stricmp(op, "/status") == 0) {
        printf("Listing status for resource '%s':\r\n\r\nResource             Group                Node            Status\r\n-------------------- -------------------- --------------- ------\r\n%-20s %-20s %-15s Online\r\n", name, name, value("group="), "NODE1");
        return 0;
    }
    if (_stricmp(op, "/priv") == 0 || _stricmp(op, "/prop") == 0) {
        for (int i = 4; i < argc; i++) {
            char *eq = strchr(argv[i], '=');
            if (!eq) return 87;
            *eq = 0;
            snprintf(l, sizeof l, "prop:%s=", argv[i]);
            set(l, eq + 1);
        }
        save(path);
        return 0;
    }
    if (_strnicmp(op, "/move:", 6) == 0) {
        char gpath[512];
        snprintf(gpath, sizeof gpath, DIR "group-%s", op + 6);
        if (!exists(gpath)) return 5013;
        set("group=", op + 6);
        save(path);
        return 0;
    }
    struct { const char *flag, *key; int taken; } adds[] = {
        {"/adddep:", "dep=", 5003}, {"/addcheck:", "check=", 183}, {"/addowner:", "owner=", 5010},
    };
    for (int a = 0; a < 3; a++) {
        size_t fl = strlen(adds[a].flag);
        if (_strnicmp(op, adds[a].flag, fl) == 0) {
            snprintf(l, sizeof l, "%s%s", adds[a].key, op + fl);
            if (find(l) >= 0) return adds[a].taken;
            if (a == 0) { /* the provider must exist */
                char p[512];
                snprintf(p, sizeof p, DIR "res-%s.txt", op + fl);
                if (!exists(p)) return 5007;
            }
            add(l);
            save(path);
            return 0;
        }
    }
    if (_strnicmp(op, "/removeowner:", 13) == 0) {
        snprintf(l, sizeof l, "owner=%s", op + 13);
        int i = find(l);
        if (i < 0) return 5042;
        drop(i);
        save(path);
        return 0;
    }
    struct { const char *flag, *key, *head; } lists[] = {
        {"/listdep", "dep=", "Listing resource dependencies for '%s':\r\n\r\nResource\r\n--------\r\n"},
        {"/checkpoints", "check=", "Listing registry checkpoints for resource '%s':\r\n\r\nCheckpoint\r\n----------\r\n"},
        {"/listowners", "owner=", "Listing possible owners for resource '%s':\r\n\r\nPossible Owner Nodes\r\n--------------------\r\n"},
    };
    for (int a = 0; a < 3; a++) {
        if (_stricmp(op, lists[a].flag) == 0) {
            printf(lists[a].head, name);
            size_t k = strlen(lists[a].key);
            for (int i = 0; i < n; i++)
                if (_strnicmp(lines[i], lists[a].key, k) == 0) printf("%s\r\n", lines[i] + k);
            return 0;
        }
    }
    return 87;
}

/* Kernighan and Pike's matcher: `^`, `$`, `.`, `c*`, case-insensitive */
static int same(char a, char b) { return a == '.' || tolower((unsigned char)a) == tolower((unsigned char)b); }
static int here(const char *re, const char *t);
static int star(char c, const char *re, const char *t) {
    do { if (here(re, t)) return 1; } while (*t && same(c, *t++));
    return 0;
}
static int here(const char *re, const char *t) {
    if (!re[0]) return 1;
    if (re[1] == '*') return star(re[0], re + 2, t);
    if (re[0] == '$' && !re[1]) return !*t;
    if (*t && same(re[0], *t)) return here(re + 1, t + 1);
    return 0;
}
static int match(const char *re, const char *t) {
    if (re[0] == '^') return here(re + 1, t);
    do { if (here(re, t)) return 1; } while (*t++);
    return 0;
}

static int findstr(int argc, char **argv) {
    int regex = 0;
    const char *text = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (_stricmp(argv[i], "/r") == 0) regex = 1;
        else if (_strnicmp(argv[i], "/c:", 3) == 0) text = argv[i] + 3;
        else if (argv[i][0] != '/') file = argv[i];
    }
    if (!text || !file || !load(file)) return 2;
    for (int i = 0; i < n; i++) {
        if (regex) {
            if (match(text, lines[i])) return 0;
            continue;
        }
        /* a literal: anywhere in the line, case-insensitive */
        size_t k = strlen(text);
        for (const char *p = lines[i]; *p; p++)
            if (_strnicmp(p, text, k) == 0) return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
#ifdef FINDSTR
    return findstr(argc, argv);
#endif
    logargs(argc, argv);
#ifdef SCLOG
    /* `sc [\\NODE] config|failure NAME …`: a node listed in C:\amx\cl\down.txt is unreachable */
    if (argc > 1 && argv[1][0] == '\\') {
        load(DIR "down.txt");
        if (find(argv[1] + 2) >= 0) return 1722;
    }
    return 0;
#else
    if (argc < 2) return 87;
    if (_stricmp(argv[1], "node") == 0) return node_cmd(argc, argv);
    if (_stricmp(argv[1], "group") == 0) return group_cmd(argc, argv);
    if (_stricmp(argv[1], "resource") == 0 || _stricmp(argv[1], "res") == 0) return resource_cmd(argc, argv);
    return 87;
#endif
}
