"""PostgreSQL: `contracts_bid_place` also checks the bidder under the auction row's lock (R-BID-1).

Migration 0004's function trusted its caller for the registration: a registration of another
deal, or one whose deposit had been refunded from the books (issue 14), could still bid. This
version reads, after the lock, the registration joined to its deposit by primary key and unique
key (two index probes inside the same statement, no extra round trip) and refuses with
`not_qualified` unless the registration belongs to the auction's deal, is qualified and its
deposit is held. Everything else is 0004's function unchanged (docs/bidding.md); the Python
engine (`_bid_write_python`) makes the same check in the same place.
"""

import importlib

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
    r_deal bigint;
    r_state text;
    d_state text;
BEGIN
    SELECT * INTO a FROM contracts_auction WHERE id = p_auction FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'auction_not_open' USING ERRCODE = 'CB001', DETAIL = '';
    END IF;
    -- R-BID-1 under the lock: this auction's deal's registration, qualified, deposit held.
    SELECT r.deal_id, r.state, d.state INTO r_deal, r_state, d_state
      FROM contracts_registration r
      LEFT JOIN contracts_deposit d ON d.registration_id = r.id
     WHERE r.id = p_registration;
    IF NOT FOUND OR r_deal <> a.deal_id OR r_state <> 'qualified'
       OR d_state IS DISTINCT FROM 'held' THEN
        RAISE EXCEPTION 'not_qualified' USING ERRCODE = 'CB001',
            DETAIL = COALESCE(a.current_price_fen::text, '');
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


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def restore_0004(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("contracts.migrations.0004_bid_place_function")
        schema_editor.execute(previous.CREATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_bid_place_function")]

    operations = [migrations.RunPython(create, restore_0004, elidable=False)]
