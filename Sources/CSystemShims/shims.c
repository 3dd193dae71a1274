#include "CSystemShims.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

int sscard_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) {
        return -1;
    }
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}

int sscard_peer_groups(int fd, gid_t *groups, int *count) {
    socklen_t length = (socklen_t)(*count < 0 ? 0 : *count) * sizeof(gid_t);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &length) != 0) {
        if (errno == ERANGE) {
            *count = (int)(length / sizeof(gid_t));
        }
        return -1;
    }
    *count = (int)(length / sizeof(gid_t));
    return 0;
}

int sscard_user_groups(uid_t uid, gid_t *groups, int *count) {
    long suggested = sysconf(_SC_GETPW_R_SIZE_MAX);
    size_t size = suggested > 0 ? (size_t)suggested : 16384;
    char *buffer = malloc(size);
    if (buffer == NULL) {
        errno = ENOMEM;
        return -1;
    }
    struct passwd entry;
    struct passwd *found = NULL;
    int rc = getpwuid_r(uid, &entry, buffer, size, &found);
    if (rc != 0 || found == NULL) {
        free(buffer);
        errno = rc != 0 ? rc : ENOENT;
        return -1;
    }
    int capacity = *count;
    int result = getgrouplist(entry.pw_name, entry.pw_gid, groups, count);
    free(buffer);
    if (result < 0) {
        errno = ERANGE;
        if (*count <= capacity) {
            *count = capacity * 2 + 16;
        }
        return -1;
    }
    return 0;
}

int sscard_accept_nonblocking(int listen_fd) {
    return accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int sscard_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int sscard_epoll_control(int epoll_fd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epoll_fd, op, fd, &event);
}

int sscard_epoll_wait(int epoll_fd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event ready[256];
    if (max > 256) {
        max = 256;
    }
    int count = epoll_wait(epoll_fd, ready, max, timeout_ms);
    for (int index = 0; index < count; index++) {
        tokens[index] = ready[index].data.u64;
        events[index] = ready[index].events;
    }
    return count;
}

int sscard_eventfd_create(void) {
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

int sscard_forbid_dumps(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
