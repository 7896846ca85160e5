-- 我的心愿 asks for the wishes a person posted or claimed (`poster_id = $1 OR
-- claimant_id = $1`): with both columns indexed the OR is two index lookups, not a scan of
-- every wish on each visit to 我的.
CREATE INDEX wishes_poster ON wishes (poster_id);
