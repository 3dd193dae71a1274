// sscard-bench-floor: the floor the daemon benchmark measures sscardd against.
//
//   sscard-bench-floor SOCKET REGISTRY
//
// A plain server with nothing of sscard in it: one thread per connection,
// blocking I/O, NUL-terminated requests. Each request names a card
// ("cardNumber":"...") and is answered with one SQLite point query, the
// registry's own status query (SQLiteRegistryAccess.selectCardStatus), its
// columns written back as a small JSON object. Each thread has its own
// read-only connection and prepared statement.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *status_sql =
    "SELECT card_number, card_id, ssn, application_id, state, previous_state, loss_deadline, "
    "electronic_credential, replaced_by, updated_at, "
    "(SELECT name FROM holders WHERE holders.ssn = cards.ssn) FROM cards WHERE card_number = ?";
static const char *names[] = {"cardNumber", "cardId", "ssn", "applicationId", "state", "previousState",
                              "lossDeadline", "electronicCredential", "replacedBy", "updatedAt", "name"};
static const char *registry_path;

static size_t put(char *out, size_t at, size_t cap, const char *text) {
    size_t n = strlen(text);
    if (at + n < cap) memcpy(out + at, text, n);
    return at + n;
}

/// Appends a JSON string (quotes, backslashes and control characters escaped).
static size_t put_string(char *out, size_t at, size_t cap, const unsigned char *text) {
    at = put(out, at, cap, "\"");
    for (; *text; text++) {
        char escaped[8];
        if (*text == '"' || *text == '\\') { snprintf(escaped, sizeof escaped, "\\%c", *text); at = put(out, at, cap, escaped); }
        else if (*text < 0x20) { snprintf(escaped, sizeof escaped, "\\u%04x", *text); at = put(out, at, cap, escaped); }
        else { if (at + 1 < cap) out[at] = (char)*text; at++; }
    }
    return put(out, at, cap, "\"");
}

/// One request in, one reply out (without the terminator); returns its length.
static size_t answer(sqlite3_stmt *statement, const char *request, char *out, size_t cap) {
    const char *key = strstr(request, "\"cardNumber\":\"");
    if (!key) return (size_t)snprintf(out, cap, "{\"error\":\"org.varlink.service.InvalidParameter\",\"parameters\":{\"parameter\":\"cardNumber\"}}");
    key += strlen("\"cardNumber\":\"");
    const char *end = strchr(key, '"');
    if (!end) end = key + strlen(key);
    sqlite3_bind_text(statement, 1, key, (int)(end - key), SQLITE_TRANSIENT);
    size_t at;
    if (sqlite3_step(statement) == SQLITE_ROW) {
        at = put(out, 0, cap, "{\"parameters\":{\"card\":{");
        for (int column = 0; column < 11; column++) {
            if (column) at = put(out, at, cap, ",");
            at = put_string(out, at, cap, (const unsigned char *)names[column]);
            at = put(out, at, cap, ":");
            switch (sqlite3_column_type(statement, column)) {
            case SQLITE_NULL: at = put(out, at, cap, "null"); break;
            case SQLITE_INTEGER: {
                char number[32];
                snprintf(number, sizeof number, "%lld", (long long)sqlite3_column_int64(statement, column));
                at = put(out, at, cap, number);
                break;
            }
            default: at = put_string(out, at, cap, sqlite3_column_text(statement, column));
            }
        }
        at = put(out, at, cap, "}}}");
    } else {
        at = (size_t)snprintf(out, cap, "{\"error\":\"org.sscard.Registry.CardNotFound\",\"parameters\":{}}");
    }
    sqlite3_reset(statement);
    return at < cap ? at : cap - 1;
}

static void *serve(void *argument) {
    int fd = (int)(long)argument;
    sqlite3 *db = NULL;
    sqlite3_stmt *statement = NULL;
    if (sqlite3_open_v2(registry_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, status_sql, -1, &statement, NULL) != SQLITE_OK) {
        fprintf(stderr, "sscard-bench-floor: %s\n", db ? sqlite3_errmsg(db) : "cannot open");
        close(fd);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    static __thread char input[65536], output[8192];
    size_t have = 0;
    for (;;) {
        char *terminator;
        while (!(terminator = memchr(input, 0, have))) {
            if (have == sizeof input) goto done;
            ssize_t got = recv(fd, input + have, sizeof input - have, 0);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) goto done;
            have += (size_t)got;
        }
        size_t length = answer(statement, input, output, sizeof output - 1);
        output[length++] = 0;
        for (size_t sent = 0; sent < length;) {
            ssize_t n = send(fd, output + sent, length - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) goto done;
            sent += (size_t)n;
        }
        size_t used = (size_t)(terminator - input) + 1;
        memmove(input, input + used, have - used);
        have -= used;
    }
done:
    sqlite3_finalize(statement);
    sqlite3_close(db);
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: sscard-bench-floor SOCKET REGISTRY\n");
        return 64;
    }
    registry_path = argv[2];
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", argv[1]);
    unlink(argv[1]);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 128) != 0) {
        perror("sscard-bench-floor: listen");
        return 1;
    }
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("sscard-bench-floor: accept");
            return 1;
        }
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, serve, (void *)(long)fd) != 0) close(fd);
        pthread_attr_destroy(&attributes);
    }
}
