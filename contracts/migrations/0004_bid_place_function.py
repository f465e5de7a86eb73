"""PostgreSQL: an accepted bid in one statement (`contracts_bid_place`), see docs/bidding.md.

The function locks the auction row, reads the server clock *after* the lock (R-BID-3),
re-checks the rules in the engine's order, inserts the bid with its link of the auction's hash
chain and moves the auction (price, leader, count, chain head, soft close R-BID-4). Called in
autocommit, the bid costs one round trip and the row lock is held for the statement and its
commit only (no client round trips, no Python, no GIL while the lock is held). A refusal raises
SQLSTATE `CB001` with the refusal code as message and the current price as detail: the statement
aborts, which releases the lock at once and needs no WAL flush, so bids queued behind an
accepted one leave one after the other in microseconds.

The hash is a frozen copy of `contracts.services.bidding.bid_chain_body` +
`marketplace.audit.chain_hash` (canonical JSON: sorted keys, no spaces; idempotency keys are
`[A-Za-z0-9_.:-]`, so they need no JSON escaping); `tests/contracts/test_bid_engines.py`
verifies the stored hashes with the Python code. SQLite has no such function: the Python path
(`_bid_write_python`) does the same there.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION contracts_bid_place(
    p_auction bigint,
    p_registration bigint,
    p_amount bigint,
    p_key text,
    p_placed_by bigint,
    p_leading_refused boolean,
    p_now timestamptz DEFAULT NULL
) RETURNS TABLE (
    bid_id bigint, bid_placed_at timestamptz, bid_sequence integer, bid_hash text,
    auction_close_at timestamptz
) LANGUAGE plpgsql AS $$
DECLARE
    a contracts_auction%ROWTYPE;
    t timestamptz;
    next_min bigint;
    seq integer;
    h text;
    new_id bigint;
    new_close timestamptz;
BEGIN
    SELECT * INTO a FROM contracts_auction WHERE id = p_auction FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'auction_not_open' USING ERRCODE = 'CB001', DETAIL = '';
    END IF;
    -- After the lock: the server clock orders the bids (R-BID-3). p_now: tests only.
    t := COALESCE(p_now, clock_timestamp());
    IF a.state = 'closed' OR t >= a.close_at THEN
        RAISE EXCEPTION 'auction_closed' USING ERRCODE = 'CB001',
            DETAIL = COALESCE(a.current_price_fen::text, '');
    END IF;
    IF t < a.start_at THEN
        RAISE EXCEPTION 'auction_not_open' USING ERRCODE = 'CB001',
            DETAIL = COALESCE(a.current_price_fen::text, '');
    END IF;
    -- R-BID-2, in the order of check_grid.
    next_min := COALESCE(a.current_price_fen + a.increment_fen, a.start_price_fen);
    IF p_amount < a.start_price_fen
       OR mod(p_amount - a.start_price_fen, a.increment_fen) <> 0
       OR p_amount < next_min THEN
        RAISE EXCEPTION 'grid' USING ERRCODE = 'CB001',
            DETAIL = COALESCE(a.current_price_fen::text, '');
    END IF;
    IF p_leading_refused AND a.leading_registration_id = p_registration THEN
        RAISE EXCEPTION 'already_leading' USING ERRCODE = 'CB001',
            DETAIL = COALESCE(a.current_price_fen::text, '');
    END IF;
    seq := a.bid_count + 1;
    h := encode(sha256(convert_to(
        COALESCE(NULLIF(a.bids_hash, ''), repeat('0', 64))
        || '{"amount_fen":' || p_amount
        || ',"auction":' || a.id
        || ',"idempotency_key":"' || p_key
        || '","placed_at":"' || to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
        || '+00:00","placed_by":' || COALESCE(p_placed_by::text, 'null')
        || ',"registration":' || p_registration
        || ',"sequence":' || seq || '}',
        'UTF8')), 'hex');
    INSERT INTO contracts_bid
        (auction_id, registration_id, amount_fen, placed_at, sequence, idempotency_key,
         placed_by_id, hash)
    VALUES (a.id, p_registration, p_amount, t, seq, p_key, p_placed_by, h)
    RETURNING id INTO new_id;
    new_close := GREATEST(a.close_at, t + a.extension_window);  -- R-BID-4
    UPDATE contracts_auction
       SET current_price_fen = p_amount, leading_registration_id = p_registration,
           bid_count = seq, bids_hash = h, close_at = new_close
     WHERE id = a.id;
    RETURN QUERY SELECT new_id, t, seq, h, new_close;
END
$$;
"""

DROP = (
    "DROP FUNCTION IF EXISTS contracts_bid_place("
    "bigint, bigint, bigint, text, bigint, boolean, timestamptz)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0003_bid_chain")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
