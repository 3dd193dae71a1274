import Testing
@testable import SSCardKiosk

/// Per-screen idle limits, the warning's countdown, "more time" and the
/// timeout itself, driven by `.elapsed` as the runtime's clock would.
@Suite struct KioskIdleTests {
    @Test func readingScreensWarnThenTimeOut() {
        var state = Fixture.menu.make()
        state.handle(.elapsed(19))
        #expect(state.idleWarning == nil)
        state.handle(.elapsed(1.5))
        #expect(state.idleWarning == 10)  // 9.5 s left, shown as 10
        state.handle(.elapsed(5))
        #expect(state.idleWarning == 5)
        #expect(state.screen == .menu)
        state.handle(.elapsed(4.5))
        #expect(state.screen == .welcome)
        #expect(state.idleWarning == nil)
        #expect(state.holder == Fixture.holder)  // the card is still in the reader
    }

    @Test func pinEntryHasTheLongerLimitAndTimingOutWipesTheDigits() {
        var state = Fixture.pinNew.make()
        state.handle(.elapsed(45))
        #expect(state.idleWarning == nil)
        state.handle(.elapsed(6))
        #expect(state.idleWarning == 9)
        state.handle(.elapsed(9))
        #expect(state.screen == .welcome)
        #expect(state.oldPin.isEmpty && state.newPin.isEmpty && state.confirmPin.isEmpty)
    }

    @Test func moreTimeRestartsTheCountAndChangesNothingElse() {
        var state = Fixture.pinOld.make()
        state.handle(.elapsed(55))
        #expect(state.idleWarning == 5)
        #expect(state.handle(.key(.moreTime)).isEmpty)
        #expect(state.idleWarning == nil)
        #expect(state.screen == .pinEntry(.old, hint: nil) && state.oldPin == PinDigits("12"))
        state.handle(.elapsed(59))
        #expect(state.screen == .pinEntry(.old, hint: nil))
    }

    @Test func noLimitWithoutASessionOrDuringACall() {
        for fixture in [Fixture.welcome, .welcomeWithCard, .unavailable, .loading, .workingLoss] {
            var state = fixture.make()
            state.handle(.elapsed(3600))
            #expect(state == fixture.make(), "\(fixture)")
        }
    }

    @Test func configuredLimitsAndAShortLimitsWarning() {
        var state = Fixture.status.make()
        state.limits = IdleLimits(reading: 2, pinEntry: 4, warning: 10)
        state.handle(.elapsed(0.5))
        #expect(state.idleWarning == nil)  // the warning takes at most half of a short limit
        state.handle(.elapsed(0.6))
        #expect(state.idleWarning == 1)
        state.handle(.elapsed(1))
        #expect(state.screen == .welcome)
    }

    @Test func largeTextEndsWithTheCard() {
        var state = Fixture.menu.make()
        state.handle(.key(.largeText))
        #expect(state.largeText)
        state.handle(.cardRemoved(reader: Fixture.reader))
        #expect(!state.largeText)
    }

    @Test func progressRepliesShowTheApplications() {
        var state = Fixture.menu.make()
        let effects = state.handle(.key(.digit(5)))
        #expect(effects == [.fetchProgress(session: Fixture.session, reader: Fixture.reader)])
        state.handle(.reply(session: Fixture.session, .progress,
                            .success(CallReply(status: Fixture.active, applications: Fixture.applications))))
        #expect(state.screen == .progress(Fixture.applications))
    }
}
