#!/usr/bin/env bash
# tests/cli/test_eosctl.sh: the operator's commands, as an operator types them. Help and
# usage errors (exit 0 for help, 2 for bad usage, 1 for a refused action), then `party add`
# and `user add` against the test database: the rows they write, the password hash, the
# refusals (a duplicate code, an unknown seller, an empty password) and that a refusal
# leaves nothing behind. Run by scripts/run-tests with EOS_TEST_BUILD and EOS_DB_* set.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
EOSCTL=${EOS_TEST_BUILD:?set by scripts/run-tests}/eosctl
failures=0
checks=0

fail() {
    echo "test_eosctl: FAIL: $*"
    failures=$((failures + 1))
}

# expect STATUS DESCRIPTION COMMAND...: the command exits with STATUS; its output is in $out.
expect() {
    local want=$1 what=$2 got
    shift 2
    checks=$((checks + 1))
    out=$("$@" 2>&1)
    got=$?
    ((got == want)) || fail "$what: exit $got, not $want: $out"
}

# has TEXT DESCRIPTION: the last command's output contains TEXT.
has() {
    checks=$((checks + 1))
    [[ $out == *"$1"* ]] || fail "$2: output lacks '$1': $out"
}

sql() {
    "$ROOT/scripts/db" sql -N -B -e "$1"
}

# same DESCRIPTION WANT GOT
same() {
    checks=$((checks + 1))
    [[ $2 == "$3" ]] || fail "$1: '$3', not '$2'"
}

cd "$ROOT"

# ---- help and usage
expect 0 "help" "$EOSCTL" help
has "eosctl party add" "help lists party add"
has "eosctl export-order" "help lists export-order"
expect 0 "--help" "$EOSCTL" --help
expect 2 "no command" "$EOSCTL"
expect 2 "unknown command" "$EOSCTL" frobnicate
has "unknown command 'frobnicate'" "unknown command named"
expect 0 "party --help" "$EOSCTL" party --help
has "eosctl party add --code CODE" "party --help lists party add"
expect 2 "party alone" "$EOSCTL" party
has "party needs one of these commands" "party alone says what it needs"
expect 2 "user with an unknown subcommand" "$EOSCTL" user remove bob
expect 0 "party add --help" "$EOSCTL" party add --help
has "usage: eosctl party add" "party add --help shows its usage"
expect 2 "party add without --kind" "$EOSCTL" party add --code X --name Y
has "--code, --name and --kind are required" "the missing options are named"
expect 2 "party add, negative credit limit" "$EOSCTL" party add --code CLI-B0 --name B \
    --kind BUYER --seller ACME --credit-limit -5
expect 2 "migrate with an argument" "$EOSCTL" migrate now
expect 2 "export-order, bad kind" "$EOSCTL" export-order 1 --kind INVOICE

# ---- party add, user add: what they write
run=$$
seller=CLI-S$run
buyer=CLI-B$run
expect 0 "party add seller" "$EOSCTL" party add --code "$seller" --name "CLI Seller" \
    --kind SELLER --currency EUR
expect 0 "party add buyer with an account" "$EOSCTL" party add --code "$buyer" \
    --name "CLI Buyer Müller" --kind BUYER --seller "$seller" --credit-limit 2500.50
same "seller row" "SELLER EUR" "$(sql "SELECT kind, currency FROM party WHERE code = '$seller'" |
    tr '\t' ' ')"
same "buyer name kept as typed" "CLI Buyer Müller" \
    "$(sql "SELECT name FROM party WHERE code = '$buyer'")"
same "the account and its credit limit" "2500.5000" \
    "$(sql "SELECT a.credit_limit FROM customer_account a JOIN party s ON s.party_id =
            a.seller_party_id JOIN party b ON b.party_id = a.buyer_party_id
            WHERE s.code = '$seller' AND b.code = '$buyer'")"

expect 1 "a duplicate party code" "$EOSCTL" party add --code "$buyer" --name Again --kind BUYER \
    --seller "$seller"
has "exists" "a duplicate party code says so"
expect 1 "a buyer without a seller" "$EOSCTL" party add --code "CLI-N$run" --name N --kind BUYER
has "seller" "a buyer without a seller is told to name one"
expect 1 "a currency in lower case" "$EOSCTL" party add --code "CLI-L$run" --name L \
    --kind SELLER --currency eur
expect 1 "a code the API would refuse" "$EOSCTL" party add --code "CLI B$run" --name B \
    --kind SELLER --currency EUR
has "letters, digits" "a code is refused with the API's rule, not by the schema's check"
expect 1 "a name of blanks" "$EOSCTL" party add --code "CLI-W$run" --name "   " \
    --kind SELLER --currency EUR
same "the refused parties are not stored" "0" "$(sql "SELECT COUNT(*) FROM party
    WHERE code IN ('CLI-N$run', 'CLI-L$run', 'CLI B$run', 'CLI-W$run')")"
same "the duplicate stored nothing" "1" "$(sql "SELECT COUNT(*) FROM party WHERE code = '$buyer'")"
expect 1 "an account with an unknown seller" "$EOSCTL" party add --code "CLI-X$run" --name X \
    --kind BUYER --seller "NO-SUCH-$run"
same "the refused buyer is not stored" "0" \
    "$(sql "SELECT COUNT(*) FROM party WHERE code = 'CLI-X$run'")"

user=cli-user-$run
expect 0 "user add" bash -c "printf 'a long pass phrase\n' | '$EOSCTL' user add '$user' \
    --role SELLER --party '$seller' --authority 12.5"
same "user row" "SELLER 1250" "$(sql "SELECT role, price_authority_bp FROM app_user
                                     WHERE username = '$user'" | tr '\t' ' ')"
hash=$(sql "SELECT password_hash FROM app_user WHERE username = '$user'")
checks=$((checks + 1))
[[ $hash == pbkdf2-sha256\$* && $hash != *"a long pass phrase"* ]] ||
    fail "the password is stored as a PBKDF2 hash, not as typed: $hash"
expect 1 "a duplicate username" bash -c "printf 'another\n' | '$EOSCTL' user add '$user' \
    --role SELLER --party '$seller'"
expect 2 "an empty password" bash -c "printf '\n' | '$EOSCTL' user add 'cli-empty-$run' \
    --role BUYER --party '$buyer'"
expect 2 "an authority over 100" bash -c "printf 'x\n' | '$EOSCTL' user add 'cli-auth-$run' \
    --role SELLER --party '$seller' --authority 101"
expect 1 "a user name with a colon" bash -c "printf 'a long pass phrase\n' | '$EOSCTL' user add \
    'cli:colon-$run' --role BUYER --party '$buyer'"
expect 1 "an ADMIN of a buyer party" bash -c "printf 'a long pass phrase\n' | '$EOSCTL' user add \
    'cli-adm-$run' --role ADMIN --party '$buyer'"
same "refused users are not stored" "0" \
    "$(sql "SELECT COUNT(*) FROM app_user WHERE username IN ('cli-empty-$run', 'cli-auth-$run',
                                                     'cli:colon-$run', 'cli-adm-$run')")"

# ---- user passwd, disable, enable; account add
hash_before=$(sql "SELECT password_hash FROM app_user WHERE username = '$user'")
expect 0 "user passwd" bash -c "printf 'another long phrase\n' | '$EOSCTL' user passwd '$user'"
same "user passwd keeps the role and authority" "SELLER 1250" \
    "$(sql "SELECT role, price_authority_bp FROM app_user WHERE username = '$user'" | tr '\t' ' ')"
checks=$((checks + 1))
[[ $(sql "SELECT password_hash FROM app_user WHERE username = '$user'") != "$hash_before" ]] ||
    fail "user passwd left the password as it was"
expect 1 "user passwd of nobody" bash -c "printf 'another long phrase\n' | '$EOSCTL' \
    user passwd 'no-such-$run'"
expect 0 "user disable" "$EOSCTL" user disable "$user"
same "a disabled user is not active" "0" \
    "$(sql "SELECT active FROM app_user WHERE username = '$user'")"
expect 0 "user enable" "$EOSCTL" user enable "$user"
same "an enabled user is active" "1" "$(sql "SELECT active FROM app_user WHERE username = '$user'")"
expect 1 "user disable of nobody" "$EOSCTL" user disable "no-such-$run"
seller2=CLI-S2-$run
expect 0 "a second seller" "$EOSCTL" party add --code "$seller2" --name "CLI Seller 2" \
    --kind SELLER --currency EUR
expect 0 "account add" "$EOSCTL" account add "$buyer" --seller "$seller2" --credit-limit 70
expect 0 "account add again, no limit given" "$EOSCTL" account add "$buyer" --seller "$seller2"
same "the buyer has two accounts, the new one's limit kept" "2 70.0000" "$(sql "
    SELECT COUNT(*), MAX(IF(s.code = '$seller2', a.credit_limit, NULL)) FROM customer_account a
    JOIN party b ON b.party_id = a.buyer_party_id JOIN party s ON s.party_id = a.seller_party_id
    WHERE b.code = '$buyer'" | tr '\t' ' ')"
expect 1 "account add with a buyer for a seller" "$EOSCTL" account add "$seller2" \
    --seller "$seller"

# export-order: a document that cannot be written is a failure, not exit 0 and an empty file.
if [[ -w /dev/full ]]; then
    order=$(sql "SELECT MIN(order_id) FROM purchase_order")
    if [[ -n $order && $order != NULL ]]; then
        expect 1 "export-order to a full disk" bash -c "'$EOSCTL' export-order $order >/dev/full"
        has "cannot write" "export-order says it could not write"
    fi
fi

echo "test_eosctl: $checks checks, $failures failed"
((failures == 0))
