import CSystemShims
import Foundation
import Testing

@Suite struct SystemShimsTests {
    @Test func userGroupsIncludeThePrimaryGroupAndReportTheSizeNeeded() throws {
        let uid = getuid()
        let primary = try #require(getpwuid(uid)).pointee.pw_gid
        var tiny = [gid_t](repeating: 0, count: 0)
        var count: Int32 = 0
        #expect(sscard_user_groups(uid, &tiny, &count) == -1, "an empty buffer cannot hold the primary group")
        #expect(count > 0)
        var groups = [gid_t](repeating: 0, count: Int(count) + 8)
        count = Int32(groups.count)
        #expect(sscard_user_groups(uid, &groups, &count) == 0)
        #expect(groups.prefix(Int(count)).contains(primary))
        count = 4
        #expect(sscard_user_groups(0xFFFF_FFF0, &groups, &count) == -1)
        #expect(errno == ENOENT)
    }

    @Test func peerCredentialsOfASocketPairAreOurs() {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        var pid: pid_t = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
        #expect(sscard_peer_credentials(pair[0], &pid, &uid, &gid) == 0)
        #expect(pid == getpid() && uid == getuid() && gid == getgid())
        var notSocket: [Int32] = [0, 0]
        #expect(pipe(&notSocket) == 0)
        defer { close(notSocket[0]); close(notSocket[1]) }
        #expect(sscard_peer_credentials(notSocket[0], &pid, &uid, &gid) == -1)
    }
}
