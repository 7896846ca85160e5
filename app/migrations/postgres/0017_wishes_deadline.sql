-- The wish list's "by deadline" order, walked in order instead of sorting every public
-- wish per request (see wishes::store::public).
CREATE INDEX wishes_deadline ON wishes (deadline, id DESC);
