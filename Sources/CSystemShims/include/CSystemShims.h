#ifndef SSCARD_SYSTEM_SHIMS_H
#define SSCARD_SYSTEM_SHIMS_H

// Thin wrappers over Linux calls that Swift's Glibc module does not import:
// SO_PEERCRED/SO_PEERGROUPS (need _GNU_SOURCE), accept4, epoll (its event
// struct is packed on x86-64) and eventfd. Each returns what the C call
// returns (-1 with errno set on failure) so Swift callers handle errno alike.

#include <sys/types.h>
#include <stdint.h>

/// Credentials of the process that connected a Unix socket (SO_PEERCRED),
/// captured by the kernel at connect() time.
int sscard_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// Supplementary groups of the peer at connect() time (SO_PEERGROUPS, Linux
/// 4.13+). On entry *count is the capacity of groups; on success it is the
/// number stored. Fails with ERANGE (and *count set to the size needed) when
/// the buffer is too small.
int sscard_peer_groups(int fd, gid_t *groups, int *count);

/// Groups of a user by uid from the group database (getpwuid_r +
/// getgrouplist). Same capacity contract as sscard_peer_groups; returns -1
/// with errno ENOENT when the uid has no passwd entry.
int sscard_user_groups(uid_t uid, gid_t *groups, int *count);

/// accept4() with SOCK_NONBLOCK | SOCK_CLOEXEC.
int sscard_accept_nonblocking(int listen_fd);

/// epoll_create1(EPOLL_CLOEXEC).
int sscard_epoll_create(void);

/// Readiness bits as plain constants so Swift needs no epoll headers.
enum {
    SSCARD_EPOLL_IN = 0x001,
    SSCARD_EPOLL_OUT = 0x004,
    SSCARD_EPOLL_ERR = 0x008,
    SSCARD_EPOLL_HUP = 0x010,
    SSCARD_EPOLL_RDHUP = 0x2000,
};

/// epoll_ctl ADD (op 1), DEL (op 2) or MOD (op 3) with a 64-bit token.
int sscard_epoll_control(int epoll_fd, int op, int fd, uint32_t events, uint64_t token);

/// epoll_wait into parallel token / event arrays of capacity max.
int sscard_epoll_wait(int epoll_fd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms);

/// prctl(PR_SET_DUMPABLE, 0): no core dump, and no ptrace or /proc/PID/mem
/// access by other processes of the same uid (prctl is variadic, so Swift
/// cannot call it directly).
int sscard_forbid_dumps(void);

/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int sscard_eventfd_create(void);

#endif
