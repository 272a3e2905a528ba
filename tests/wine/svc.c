/* A Windows service for the execution tests: it reports START_PENDING, then RUNNING, and
 * STOP_PENDING, then STOPPED, taking as long as its command line says, and writes every
 * event to a log so that tests can assert the order in which scripts start and stop services.
 *
 *   amxsvc.exe LOG [start-ms] [stop-ms] [mode]
 *   mode: ok (default), fail-start (stops while starting), refuse-stop (ignores stop), hang-stop
 *   (stays STOP_PENDING), hang-start (stays START_PENDING)
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static SERVICE_STATUS_HANDLE handle;
static SERVICE_STATUS status;
static HANDLE stop_event;
static char log_path[MAX_PATH];
static char name[256];
static DWORD start_ms, stop_ms;
static char mode[32] = "ok";

static void log_event(const char *what) {
    FILE *f = fopen(log_path, "a");
    if (f) {
        SYSTEMTIME t;
        GetLocalTime(&t);
        fprintf(f, "%02d:%02d:%02d.%03d %s %s\n", t.wHour, t.wMinute, t.wSecond, t.wMilliseconds, what, name);
        fclose(f);
    }
}

static void report(DWORD state, DWORD wait_hint) {
    status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
    status.dwCurrentState = state;
    status.dwControlsAccepted = (state == SERVICE_RUNNING) ? SERVICE_ACCEPT_STOP : 0;
    status.dwWin32ExitCode = NO_ERROR;
    status.dwWaitHint = wait_hint;
    status.dwCheckPoint = (state == SERVICE_RUNNING || state == SERVICE_STOPPED) ? 0 : status.dwCheckPoint + 1;
    SetServiceStatus(handle, &status);
}

static DWORD WINAPI control(DWORD code, DWORD type, LPVOID data, LPVOID ctx) {
    (void)type; (void)data; (void)ctx;
    if (code == SERVICE_CONTROL_STOP) {
        log_event("stop-requested");
        if (strcmp(mode, "refuse-stop") == 0) return NO_ERROR;
        report(SERVICE_STOP_PENDING, stop_ms + 1000);
        SetEvent(stop_event);
        return NO_ERROR;
    }
    if (code == SERVICE_CONTROL_INTERROGATE) return NO_ERROR;
    return ERROR_CALL_NOT_IMPLEMENTED;
}

static void WINAPI service_main(DWORD argc, LPSTR *argv) {
    (void)argc;
    lstrcpynA(name, argv[0], sizeof name);
    handle = RegisterServiceCtrlHandlerExA(name, control, NULL);
    stop_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    report(SERVICE_START_PENDING, start_ms + 1000);
    log_event("starting");
    if (strcmp(mode, "hang-start") == 0) { Sleep(INFINITE); }
    Sleep(start_ms);
    if (strcmp(mode, "fail-start") == 0) {
        log_event("failed");
        report(SERVICE_STOPPED, 0);
        return;
    }
    report(SERVICE_RUNNING, 0);
    log_event("running");
    WaitForSingleObject(stop_event, INFINITE);
    if (strcmp(mode, "hang-stop") == 0) { Sleep(INFINITE); }
    Sleep(stop_ms);
    log_event("stopped");
    report(SERVICE_STOPPED, 0);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    lstrcpynA(log_path, argv[1], sizeof log_path);
    start_ms = argc > 2 ? (DWORD)atoi(argv[2]) : 0;
    stop_ms = argc > 3 ? (DWORD)atoi(argv[3]) : 0;
    if (argc > 4) lstrcpynA(mode, argv[4], sizeof mode);
    SERVICE_TABLE_ENTRYA table[] = {{"", service_main}, {NULL, NULL}};
    return StartServiceCtrlDispatcherA(table) ? 0 : 1;
}
