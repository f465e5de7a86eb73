"""factory_boy factories for the kernel's models. Valid ID numbers and USCCs come from stdnum."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from marketplace import models
from marketplace.demo import make_id_number, make_uscc


class PrefectureFactory(DjangoModelFactory):
    class Meta:
        model = models.Prefecture
        django_get_or_create = ("code",)

    code = "433100"
    name = "湘西土家族苗族自治州"
    seat = "吉首市"


class CountyFactory(DjangoModelFactory):
    class Meta:
        model = models.County
        django_get_or_create = ("code",)

    prefecture = factory.SubFactory(PrefectureFactory)
    code = "433126"
    name = "古丈县"


class TownshipFactory(DjangoModelFactory):
    class Meta:
        model = models.Township

    county = factory.SubFactory(CountyFactory)
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试{n}镇")


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = models.Village

    township = factory.SubFactory(TownshipFactory)
    code = factory.Sequence(lambda n: f"{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"测试{n}村")


class CollectiveFactory(DjangoModelFactory):
    class Meta:
        model = models.Collective

    village = factory.SubFactory(VillageFactory)
    name = factory.LazyAttribute(lambda o: f"{o.village.name}股份经济合作社")


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = models.Household

    name = factory.Sequence(lambda n: f"张测{n}")
    id_number = factory.Sequence(
        lambda n: make_id_number("433126", dt.date(1960, 1, 1) + dt.timedelta(days=n), n % 1000)
    )
    phone = "13900000000"
    village = factory.SubFactory(VillageFactory)
    is_relocated = False
    bank_name = "测试银行"
    bank_account = "6230500000000001"


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = models.Enterprise

    name = factory.Sequence(lambda n: f"测试农业公司{n}")
    kind = models.Enterprise.Kind.LEADING
    uscc = factory.Sequence(lambda n: make_uscc("433126", "91", 50000 + n))
    legal_representative = "王测试"
    contact_phone = "13800000000"


class ServiceStationFactory(DjangoModelFactory):
    class Meta:
        model = models.ServiceStation

    township = factory.SubFactory(TownshipFactory)
    name = factory.LazyAttribute(lambda o: f"{o.township.name}服务站")
    address = "镇政府一楼"
    phone = "0743-0000000"


class StorageCenterFactory(DjangoModelFactory):
    class Meta:
        model = models.StorageCenter
        django_get_or_create = ("county",)

    county = factory.SubFactory(CountyFactory)
    name = "古丈县农村土地收储中心"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-12345678")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class OperatorFactory(UserFactory):
    role = models.User.Role.STATION_OPERATOR
    station = factory.SubFactory(ServiceStationFactory)


class AgribusinessUserFactory(UserFactory):
    role = models.User.Role.AGRIBUSINESS
    enterprise = factory.SubFactory(EnterpriseFactory)


class StorageOperatorFactory(UserFactory):
    role = models.User.Role.STORAGE_OPERATOR
    storage_center = factory.SubFactory(StorageCenterFactory)


class InsurerFactory(DjangoModelFactory):
    class Meta:
        model = models.Insurer
        django_get_or_create = ("name",)

    name = "人保财险湘西分公司"
    phone = "0743-8222222"


class InsurerUserFactory(UserFactory):
    role = models.User.Role.INSURER
    insurer = factory.SubFactory(InsurerFactory)


class ForestryInspectorFactory(UserFactory):
    role = models.User.Role.FORESTRY_INSPECTOR
    county = factory.SubFactory(CountyFactory)
