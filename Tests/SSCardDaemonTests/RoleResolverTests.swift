import Foundation
import Synchronization
import Testing
@testable import SSCardDaemon

/// Roles follow the group database, re-read every few seconds, not the
/// groups a connection's process happened to start with.
@Suite struct RoleResolverTests {
    /// A group database whose answers the test changes.
    final class Database: Sendable {
        let groups = Mutex<[uid_t: Set<gid_t>]>([:])
        let lookups = Mutex(0)
        func lookup(_ uid: uid_t) -> Set<gid_t>? {
            lookups.withLock { $0 += 1 }
            return groups.withLock { $0[uid] }
        }
    }

    static let (admin, operatorGroup, kiosk): (gid_t, gid_t, gid_t) = (61_010, 61_011, 61_012)

    func resolver(_ database: Database) -> (RoleResolver, GroupMembership) {
        let membership = GroupMembership(lookup: { database.lookup($0) })
        return (RoleResolver(adminGid: Self.admin, operatorGid: Self.operatorGroup, kioskGid: Self.kiosk,
                             membership: membership), membership)
    }

    @Test func theDatabaseWinsOverTheConnectionsGroups() {
        let database = Database()
        database.groups.withLock { $0[1000] = [100] }
        let (roles, _) = resolver(database)
        // The process still holds sscard-operator (it started before the removal).
        #expect(roles.role(uid: 1000, gid: 100, peerGroups: [Self.operatorGroup]) == nil)
        database.groups.withLock { $0[1001] = [100, Self.kiosk, Self.operatorGroup] }
        #expect(roles.role(uid: 1001, gid: 100, peerGroups: []) == .operator)
    }

    @Test func aUIDWithoutAUserEntryFallsBackToTheConnectionsGroups() {
        let (roles, _) = resolver(Database())
        #expect(roles.role(uid: 61_100, gid: 61_100, peerGroups: [Self.kiosk]) == .kiosk)
        #expect(roles.role(uid: 61_100, gid: Self.admin, peerGroups: []) == .admin)
        #expect(roles.role(uid: 61_101, gid: 61_101, peerGroups: []) == nil)
    }

    @Test func rootIsAlwaysAdmin() {
        let (roles, _) = resolver(Database())
        #expect(roles.role(uid: 0, gid: 0) == .admin)
    }

    @Test func aRemovalTakesEffectOnceTheCachedAnswerExpires() {
        let database = Database()
        database.groups.withLock { $0[1000] = [100, Self.operatorGroup] }
        let (_, membership) = resolver(database)
        let start = ContinuousClock.now
        #expect(membership.groups(uid: 1000, now: start)?.contains(Self.operatorGroup) == true)
        database.groups.withLock { $0[1000] = [100] }  // gpasswd -d
        #expect(membership.groups(uid: 1000, now: start + .seconds(9))?.contains(Self.operatorGroup) == true,
                "within the lifetime the cached answer holds")
        #expect(database.lookups.withLock { $0 } == 1)
        #expect(membership.groups(uid: 1000, now: start + GroupMembership.lifetime)?.contains(Self.operatorGroup) == false)
        #expect(database.lookups.withLock { $0 } == 2)
    }

    @Test func theRealDatabaseKnowsRootAndNotAnUnusedUID() {
        #expect(GroupMembership.databaseGroups(uid: 0)?.contains(0) == true)
        #expect(GroupMembership.databaseGroups(uid: 4_000_000_001) == nil)
    }
}
