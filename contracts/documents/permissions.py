"""Who may read and sign a deal's contracts, payments and certificates (docs/security.md).

Parties: the transferee (its agribusiness users) signs online and reads its own contract and
payment page; the transferor household signs online with its own login (issue 13) or on paper at
its station, where the operator of the listing's station (or of its township) witnesses it; the
transferor household reads its deal's documents. When the county storage centre is the
transferor (a block of stored land let through the exchange, R-STORE-5), a storage operator of
that centre signs Party A online and reads the deal's documents; no station witnesses or reads
such a contract. Staff and auditors read the deal's documents in their county; staff act on them
there.

Party permissions (signing, witnessing) are tested with the predicates themselves
(`may_sign_online`, `may_witness`), never with `user.has_perm`: a superuser holds every
permission but is no party to a contract. Registered from ContractDocumentsConfig.ready().
"""

import rules

from marketplace.permissions import (
    is_active,
    is_agribusiness,
    is_household,
    is_station_operator,
    is_storage_operator,
    reader_in_scope,
    staff_in_scope,
)


@rules.predicate
def is_transferee(user, contract):
    """The user's enterprise is the contract's transferee."""
    return (
        contract is not None
        and is_agribusiness(user)
        and user.enterprise_id is not None
        and user.enterprise_id == contract.transferee_id
    )


@rules.predicate
def is_transferor_household(user, contract):
    """The household's own login, the household being the contract's transferor (Party A)."""
    return (
        contract is not None
        and is_household(user)
        and user.household_id is not None
        and user.household_id == contract.deal.listing.transferor_household_id
    )


def centre_held(contract) -> bool:
    """The contract's transferor (Party A) is a storage centre, not a household (R-STORE-5)."""
    return contract is not None and contract.deal.listing.transferor_storage_center_id is not None


def _centre_operator_of(user, listing) -> bool:
    centre = listing.transferor_storage_center_id
    return (
        centre is not None
        and is_storage_operator(user)
        and user.storage_center_id is not None
        and user.storage_center_id == centre
    )


@rules.predicate
def is_transferor_storage_operator(user, contract):
    """A storage operator of the storage centre that is the contract's transferor (Party A,
    R-STORE-5): signs online for the centre. Another centre's operators are not."""
    return contract is not None and _centre_operator_of(user, contract.deal.listing)


@rules.predicate
def is_deal_transferee(user, deal):
    return (
        deal is not None
        and is_agribusiness(user)
        and user.enterprise_id is not None
        and user.enterprise_id == deal.transferee_id
    )


@rules.predicate
def is_witnessing_operator(user, contract):
    """The station operator of the listing's station (or, without one, of its township); no
    station witnesses a contract of the storage centre (it signs online, R-STORE-5)."""
    if contract is None or not is_station_operator(user) or not user.station_id:
        return False
    if centre_held(contract):
        return False
    listing = contract.deal.listing
    if listing.station_id:
        return user.station_id == listing.station_id
    return user.station.township_id == listing.township_id


@rules.predicate
def is_deal_party(user, deal):
    """A transferee of any of the deal's contracts, a witnessing operator, the household, or a
    storage operator of the centre that is the transferor."""
    if deal is None or not is_active(user):
        return False
    if _centre_operator_of(user, deal.listing):
        return True
    from .models import Contract

    contracts = Contract.objects.filter(deal=deal).select_related("deal__listing")
    if is_agribusiness(user) and contracts.filter(transferee_id=user.enterprise_id).exists():
        return True
    if is_station_operator(user) and any(is_witnessing_operator(user, c) for c in contracts):
        return True
    household = deal.listing.transferor_household_id
    return household is not None and getattr(user, "household_id", None) == household


may_sign_online = is_transferee | is_transferor_household | is_transferor_storage_operator
may_witness = is_witnessing_operator

rules.add_perm("contract_documents.sign_online", may_sign_online)
rules.add_perm("contract_documents.witness", may_witness)
rules.add_perm(
    "contract_documents.read_contract",
    is_transferee | is_transferor_household | is_transferor_storage_operator | reader_in_scope,
)
rules.add_perm("contract_documents.read_station_contract", is_witnessing_operator | reader_in_scope)
rules.add_perm("contract_documents.read_payment", is_deal_transferee | reader_in_scope)
rules.add_perm("contract_documents.read_deal_documents", is_deal_party | reader_in_scope)
rules.add_perm("contract_documents.manage_deal", staff_in_scope)
