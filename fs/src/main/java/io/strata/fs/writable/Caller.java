package io.strata.fs.writable;

/** Who asks for a new file: its owner and group unless the parent directory is setgid. */
record Caller(long uid, long gid) {

    static final Caller ROOT = new Caller(0, 0);
}
