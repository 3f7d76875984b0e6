"""factory_boy factories for every model; tests build only what they need."""

import io
from datetime import timedelta

import factory
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Correction, Desk, Topic
from photos.models import Photo


def jpeg_bytes(width: int = 640, height: int = 360, color=(30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Desk {n}")
    slug = factory.Sequence(lambda n: f"desk-{n}")
    title = factory.LazyAttribute(lambda o: f"The {o.name} Desk")
    about = factory.LazyAttribute(lambda o: f"The {o.name} Desk covers {o.name.lower()}.")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"author-{n}")
    job_title = "Reporter"
    bio = factory.Faker("sentence")
    email = factory.Sequence(lambda n: f"author{n}@newsroom.example")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class PhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Photo

    image = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
    alt_text = "Commuters on a metro platform"
    caption = "Commuters at a metro station."
    credit_name = "Abderrahmane Habibi"
    credit_url = "https://www.pexels.com/@abdoo"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    desk = factory.SubFactory(DeskFactory)
    headline = factory.Sequence(lambda n: f"Headline number {n}")
    slug = factory.Sequence(lambda n: f"headline-{n}")
    standfirst = "A short standfirst for the story."
    body = "<p>First paragraph.</p><h2>A sub-heading</h2><p>Second paragraph.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)


class BylineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Byline

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(AuthorFactory)
    role = Byline.Role.BY


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version of this article misstated a date."


def desk_member(username: str, group: str, *desks, email: str | None = None) -> User:
    """A staff member in a role's group, on these desks."""
    user = User.objects.create_user(
        username=username,
        email=f"{username}@newsroom.example" if email is None else email,
        is_staff=True,
        first_name=username.split("_")[0].capitalize(),
        last_name="Example",
    )
    user.groups.add(Group.objects.get(name=group))
    for desk in desks:
        desk.members.add(user)
    return user
