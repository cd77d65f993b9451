package io.selfbalance.health.policy;

/**
 * Rise/fall counting: a stable state that changes to UP only after {@code rise} consecutive good results and to DOWN
 * only after {@code fall} consecutive bad ones, so that a single odd result changes nothing. Single-threaded.
 */
public final class RiseFall {

    public enum State {
        /** No result yet; see the constructor for how the first result counts. */
        UNKNOWN, UP, DOWN
    }

    private final int rise;
    private final int fall;
    private State state;
    private int streak;

    /**
     * @param initial UP (needs {@code fall} bad results to go DOWN), DOWN (needs {@code rise} good ones to go UP), or
     *        UNKNOWN (the first result decides at once, then rise/fall apply)
     */
    public RiseFall(int rise, int fall, State initial) {
        if (rise < 1 || rise > 100) {
            throw new IllegalArgumentException("rise: " + rise + " is not allowed; use 1..100");
        }
        if (fall < 1 || fall > 100) {
            throw new IllegalArgumentException("fall: " + fall + " is not allowed; use 1..100");
        }
        this.rise = rise;
        this.fall = fall;
        this.state = java.util.Objects.requireNonNull(initial, "initial");
    }

    /** Records one result; returns whether the stable state changed. */
    public boolean record(boolean good) {
        if (state == State.UNKNOWN) {
            state = good ? State.UP : State.DOWN;
            streak = 0;
            return true;
        }
        boolean agrees = (state == State.UP) == good;
        if (agrees) {
            streak = 0;
            return false;
        }
        streak++;
        if (streak >= (good ? rise : fall)) {
            state = good ? State.UP : State.DOWN;
            streak = 0;
            return true;
        }
        return false;
    }

    /** Forces a state (e.g. DOWN when results stopped coming), clearing the streak. */
    public void force(State s) {
        state = s;
        streak = 0;
    }

    public State state() {
        return state;
    }

    /** Consecutive results that disagree with the current state. */
    public int streak() {
        return streak;
    }

    public int rise() {
        return rise;
    }

    public int fall() {
        return fall;
    }

    @Override
    public String toString() {
        return state + (streak > 0 ? " (" + streak + " toward " + (state == State.UP ? "DOWN/" + fall : "UP/" + rise) + ")" : "");
    }
}
