"""The demo newsroom's content: desks, authors, topics and articles for `manage.py loaddemo`.

The seed article (`seed_article.md`) is the real one, word for word; the others are
invented, so that home, desk, author and topic pages have something to show. Article bodies
use the same Markdown editors type in admin (sub-headings, links, quotes, asides).
"""

from __future__ import annotations

from pathlib import Path

SEED_BODY = (Path(__file__).parent / "seed_article.md").read_text()


def unwrap(markdown: str) -> str:
    """Join the hard-wrapped lines of this file's bodies into one line per paragraph, as an
    editor types them in admin (a textarea wraps by itself). Lists keep their lines."""
    blocks = []
    for block in markdown.strip().split("\n\n"):
        lines = block.splitlines()
        if all(line.startswith("- ") for line in lines):
            blocks.append(block)
        elif lines[0].startswith("!!! "):
            blocks.append(lines[0] + "\n    " + " ".join(line.strip() for line in lines[1:]))
        elif lines[0].startswith("    "):
            blocks.append("    " + " ".join(line.strip() for line in lines))
        elif lines[0].startswith("> "):
            blocks.append("> " + " ".join(line.removeprefix(">").strip() for line in lines))
        else:
            blocks.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(blocks) + "\n"


DESKS = [
    {
        "slug": "technology",
        "name": "Technology",
        "title": "The Technology Desk",
        "order": 0,
        "about": (
            "The Technology Desk covers AI, hardware, space, software and the tech industry. "
            "Stories combine reporting from technical and mainstream outlets for balanced "
            "coverage."
        ),
    },
    {
        "slug": "business",
        "name": "Business",
        "title": "The Business Desk",
        "order": 1,
        "about": (
            "The Business Desk follows markets, trade, companies and the economy, explaining "
            "what the numbers mean for people who work, save and spend."
        ),
    },
    {
        "slug": "world",
        "name": "World",
        "title": "The World Desk",
        "order": 2,
        "about": (
            "The World Desk reports on politics, climate and society across borders, with "
            "correspondents and local reporting from every continent."
        ),
    },
]

AUTHORS = [
    {
        "slug": "mei-lin",
        "name": "Mei Lin",
        "job_title": "Technology Editor",
        "bio": (
            "Mei Lin leads the Technology Desk. She has covered the AI industry, chip supply "
            "chains and platform regulation for a decade, from Shanghai, Singapore and London."
        ),
    },
    {
        "slug": "daniel-okafor",
        "name": "Daniel Okafor",
        "job_title": "Technology Reporter",
        "bio": (
            "Daniel Okafor reports on semiconductors, start-ups and the software that runs "
            "them. Before journalism he worked as an embedded-systems engineer."
        ),
        "demo_user": "reporter",
    },
    {
        "slug": "tomas-reyes",
        "name": "Tomás Reyes",
        "job_title": "Chief Analyst",
        "bio": (
            "Tomás Reyes writes The Alverno Alpha Analysis, our weekly look at the forces "
            "behind the headlines in technology, trade and geopolitics."
        ),
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "job_title": "Business Correspondent",
        "bio": (
            "Priya Raman covers central banks, trade and global markets. She joined the "
            "Business Desk from a financial newswire, where she reported on bond markets."
        ),
    },
    {
        "slug": "amara-nwosu",
        "name": "Amara Nwosu",
        "job_title": "World Affairs Correspondent",
        "bio": (
            "Amara Nwosu reports on elections, diplomacy and migration. She has reported from "
            "more than thirty countries and is based in Lagos and Brussels."
        ),
    },
    {
        "slug": "jonas-berg",
        "name": "Jonas Berg",
        "job_title": "Science and Space Reporter",
        "bio": (
            "Jonas Berg writes about space exploration, physics and research computing. He "
            "trained as an astronomer before switching to journalism."
        ),
    },
    {
        "slug": "elena-petrova",
        "name": "Elena Petrova",
        "job_title": "Climate and Energy Correspondent",
        "bio": (
            "Elena Petrova covers climate adaptation, energy grids and the politics of the "
            "transition, with a focus on Europe and the Mediterranean."
        ),
    },
]

TOPICS = {
    "artificial-intelligence": "Artificial intelligence",
    "china": "China",
    "open-source": "Open source",
    "semiconductors": "Semiconductors",
    "trade": "Trade",
    "markets": "Markets",
    "space": "Space",
    "climate": "Climate",
    "energy": "Energy",
    "elections": "Elections",
}

GRAPHICS_CREDIT = "Alverno Alpha Graphics"

SEED_ARTICLE = {
    "desk": "technology",
    "slug": "deepseek-v4-launch-tightens-china-us-race",
    "headline": "DeepSeek's V4 Launch Tightens China-US Race in Open-Source AI",
    "standfirst": (
        "The Chinese AI lab DeepSeek has released its V4 series, claiming top-tier "
        "performance in coding and reasoning. The launch intensifies a contest in which "
        "open-source models are gaining ground on closed competitors."
    ),
    "body": SEED_BODY,
    "hours_ago": 0,
    "breaking_hours": 6,
    "top_story": 0,
    "bylines": [("mei-lin", "by"), ("tomas-reyes", "analysis")],
    "topics": ["artificial-intelligence", "china", "open-source"],
    "photo": {
        "scene": "metro",
        "seed": 2026,
        "alt_text": (
            "Commuters at Cuipingshan metro station in China, capturing urban life and "
            "public transport dynamics."
        ),
        "caption": (
            "Commuters at Cuipingshan metro station in China, capturing urban life and "
            "public transport dynamics."
        ),
        "credit_name": "Abderrahmane Habibi",
        "credit_url": "https://www.pexels.com/@abdoo",
        "copyright_notice": "Free to use under the Pexels licence.",
        "license_url": "https://www.pexels.com/license/",
    },
}

OTHER_ARTICLES = [
    {
        "desk": "business",
        "slug": "us-china-trade-talks-resume-chip-export-rules",
        "headline": "US and China Resume Trade Talks With Chip Export Rules at the Centre",
        "standfirst": (
            "Negotiators meet for the first time in five months, with semiconductor "
            "restrictions and farm purchases topping an agenda both sides call narrow."
        ),
        "hours_ago": 2,
        "top_story": 1,
        "bylines": [("priya-raman", "by"), ("tomas-reyes", "analysis")],
        "topics": ["trade", "china", "semiconductors"],
        "photo": ("chip-violet", 11, "A processor on a circuit board, its traces lit in violet."),
        "body": """\
Trade negotiators from the United States and China sat down again this week, ending a
five-month pause in formal talks. Officials on both sides described the agenda as narrow:
export rules for advanced chips and chip-making equipment, and a stalled agreement on
agricultural purchases.

The talks follow a new round of restrictions on shipments of chip-making tools, and come as
Chinese AI labs show they can build competitive models with older hardware. Our
[technology coverage](/technology/) has followed how those labs adapted.

## What each side wants

Washington wants firmer commitments on how exported equipment is used. Beijing wants
licences for mature-node tools restored and a timetable for reviewing the rest. Both want a
result they can present as stability to markets that have priced in very little.

> "Nobody expects a grand bargain. A calendar for the next meeting would count as progress,"
> one person briefed on the talks said.

!!! aside "The Alverno Alpha Analysis"
    Export controls were designed for a world where the hardware gap would keep widening.
    The talks are the first sign that both capitals are pricing in a narrower gap, and
    negotiating over the pace of change rather than its direction.
""",
    },
    {
        "desk": "technology",
        "slug": "chipmakers-race-to-stack-memory-beside-ai-processors",
        "headline": "Chipmakers Race to Stack Memory Beside AI Processors",
        "standfirst": (
            "Advanced packaging, once a back-office step, has become the bottleneck of the "
            "AI boom, and the industry is spending billions to widen it."
        ),
        "hours_ago": 3,
        "top_story": 2,
        "bylines": [("daniel-okafor", "by")],
        "topics": ["semiconductors", "artificial-intelligence"],
        "photo": ("chip", 5, "A square processor on a green circuit board with glowing traces."),
        # In the body, where the lines [[figure:N]] stand: a photo from the library and a
        # video shown as a click-to-load placeholder.
        "figures": [
            {
                "photo": {
                    "scene": "chip-violet",
                    "seed": 23,
                    "alt_text": "Memory stacks beside a processor on a violet-lit board.",
                    "caption": "Memory stacked right beside the processor, in one package.",
                    "credit_name": GRAPHICS_CREDIT,
                    "credit_url": "",
                    "copyright_notice": "Illustration made for the demo newsroom.",
                }
            },
            {"embed": "https://www.youtube.com/watch?v=aircAruvnKk"},
        ],
        "body": """\
The fastest AI processors are no longer limited by how many calculations they can do, but
by how quickly they can be fed data. The answer the industry has settled on is to stack
high-bandwidth memory right beside the processor, in a single package.

[[figure:0]]

## Why packaging matters now

Packaging used to be the cheap, final step of making a chip. Today the capacity to join
processors and memory stacks is sold out a year ahead, and new plants are being built in
Taiwan, Korea, Arizona and Malaysia.

- Memory makers are adding stacking lines alongside their wafer fabs.
- Foundries are selling packaging as a service of its own.
- Equipment makers report record orders for bonding tools.

[[figure:1]]

Analysts expect packaging capacity to double within two years. Whether that is enough
depends on how quickly AI companies keep ordering, a question our
[business desk](/business/) has been asking investors.
""",
    },
    {
        "desk": "world",
        "slug": "coastal-cities-sign-pact-to-share-flood-defence-data",
        "headline": "Coastal Cities Sign Pact to Share Flood-Defence Data",
        "standfirst": (
            "Forty port cities agree to publish sea-wall sensor readings and storm-surge "
            "models, so that smaller towns can plan defences they could not afford to "
            "research alone."
        ),
        "hours_ago": 4,
        "top_story": 3,
        "bylines": [("elena-petrova", "by")],
        "topics": ["climate"],
        "photo": ("coast", 3, "Waves breaking against a concrete sea wall under a storm sky."),
        # How a shared link to it looks (the admin's "Social and search card"): its own
        # title, description and image rather than the headline, standfirst and hero.
        "social": {
            "title": "Forty port cities open their flood-defence data",
            "description": "Sea-wall readings and storm-surge models, free for any town "
            "that shares its own.",
            "photo": ("coast", 11, "A storm-surge barrier with its gates closed."),
        },
        # A chart and a post, shown as click-to-load placeholders (illustrative addresses).
        "figures": [
            {"embed": "https://datawrapper.dwcdn.net/dEm01/1/"},
            {"embed": "https://www.instagram.com/p/DemoFloodWall1/"},
        ],
        "body": """\
Mayors and engineers from forty coastal cities signed an agreement on Tuesday to share the
data behind their flood defences: tide-gauge and sea-wall sensor readings, storm-surge
models, and the results of every barrier test.

[[figure:0]]

## From secret to shared

Until now much of that data was treated as sensitive infrastructure information. The pact
creates a common format and a shared archive, with access for any municipality that
contributes its own readings.

Smaller towns stand to gain most. "We have the same sea as the big ports, but none of their
modelling budget," the deputy mayor of one fishing town said at the signing.

[[figure:1]]

The first shared storm-surge models are due before the autumn storm season.
""",
    },
    {
        "desk": "business",
        "slug": "central-bank-holds-rates-signals-patience-on-cuts",
        "headline": "Central Bank Holds Rates and Signals Patience on Cuts",
        "standfirst": (
            "Policymakers kept borrowing costs unchanged for a fourth meeting, saying they "
            "need more evidence that services inflation is cooling before they cut."
        ),
        "hours_ago": 6,
        "bylines": [("priya-raman", "by")],
        "topics": ["markets"],
        "photo": ("chart", 8, "A candlestick chart of share prices on a dark trading screen."),
        "figures": [
            {"embed": "https://public.flourish.studio/visualisation/1000001/"},
            {"embed": "https://www.tiktok.com/@demonewsroom/video/7300000000000000001"},
        ],
        "body": """\
The central bank left its main interest rate unchanged on Thursday, as markets had
expected, but its statement pushed back against bets on a cut before the summer.

[[figure:0]]

## Reading the statement

Policymakers said goods inflation had fallen back to target, while prices for services
were still rising too quickly. Two members voted for a cut; seven voted to hold.

Bond yields rose after the decision and the currency strengthened slightly. Shares in
house-builders, which had rallied on hopes of cheaper mortgages, fell back.

[[figure:1]]

The next decision is due in six weeks, after two more months of inflation figures.
""",
    },
    {
        "desk": "world",
        "slug": "voters-in-three-nations-head-to-the-polls",
        "headline": "Voters in Three Nations Head to the Polls on the Same Weekend",
        "standfirst": (
            "Elections on three continents test incumbents facing high prices, and "
            "observers expect record numbers of postal and early votes."
        ),
        "hours_ago": 9,
        "bylines": [("amara-nwosu", "by")],
        "topics": ["elections"],
        "photo": ("ballots", 4, "Ballot papers inside three transparent ballot boxes."),
        "body": """\
More than 140 million people are eligible to vote this weekend in three national
elections held, by coincidence of calendars, on the same two days.

## The cost of living on the ballot

In all three countries, polls suggest that prices and housing outweigh every other issue.
Incumbent parties are trailing in two of them.

Election observers say early and postal voting has reached record levels, which may delay
final results by a day or more. Counting rules differ: one country counts postal votes
first, the others last.

Our correspondents will report results as they are declared.
""",
    },
    {
        "desk": "technology",
        "slug": "exascale-supercomputer-opens-to-university-researchers",
        "headline": "Europe's New Exascale Supercomputer Opens Its Doors to Researchers",
        "standfirst": (
            "The machine, able to perform a billion billion calculations a second, will "
            "give a third of its time to university teams through an open call."
        ),
        "hours_ago": 26,
        "bylines": [("mei-lin", "by"), ("jonas-berg", "reporting")],
        "topics": ["artificial-intelligence", "space"],
        "photo": ("servers", 9, "Rows of supercomputer cabinets with blue status lights."),
        "body": """\
A new exascale supercomputer began accepting research projects this week, after two years
of construction and testing. A third of its computing time is reserved for university
teams, allocated through an open call judged by independent reviewers.

## Who gets the time

Climate modelling, drug discovery and the training of open AI models for European
languages lead the first round of approved projects. Astronomers have been granted time to
simulate the formation of early galaxies.

The machine draws about 20 megawatts at full load. Its operators say waste heat will warm
nearby buildings through a district heating network.
""",
    },
    {
        "desk": "business",
        "slug": "container-shipping-rates-slide-as-new-vessels-flood-market",
        "headline": "Container Shipping Rates Slide as New Vessels Flood the Market",
        "standfirst": (
            "A record wave of ship deliveries is pushing freight prices down, good news for "
            "importers and a warning for carriers that ordered at the top of the market."
        ),
        "hours_ago": 28,
        "bylines": [("priya-raman", "by"), ("amara-nwosu", "additional")],
        "topics": ["trade", "markets"],
        "photo": ("port", 6, "Stacks of shipping containers and cranes at a port at dusk."),
        "correction": (
            "An earlier version of this article gave the wrong year for the last peak in "
            "freight rates. It was 2021, not 2022."
        ),
        "body": """\
The cost of shipping a container from Asia to Europe has fallen by a third since January,
as a record number of new vessels enter service.

## Too many ships

Carriers ordered hundreds of large ships during the freight boom of 2021, when rates
reached several times their usual level. Those ships are now being delivered, at a time
when demand is growing only slowly.

For importers, lower rates mean cheaper goods on shelves within months. For carriers, the
next year may bring idle ships and the scrapping of older vessels.
""",
    },
    {
        "desk": "world",
        "slug": "heatwave-pushes-southern-europe-power-grids-to-the-limit",
        "headline": "Heatwave Pushes Southern Europe's Power Grids to the Limit",
        "standfirst": (
            "Record demand for air conditioning and low river levels for cooling power "
            "plants have forced grid operators to import electricity and ask for restraint."
        ),
        "hours_ago": 30,
        "bylines": [("elena-petrova", "by"), ("amara-nwosu", "reporting")],
        "topics": ["energy", "climate"],
        "photo": ("pylons", 12, "Electricity pylons across dry fields under a hazy sun."),
        "body": """\
Grid operators across southern Europe asked households and businesses to cut electricity
use in the late afternoon, as temperatures passed 44C for a third day.

## Why the grid is stretched

Demand for cooling peaks just as solar output falls in the evening. At the same time, low
and warm rivers have forced some thermal power plants to reduce output, because the water
they return would harm river life.

Imports through new interconnectors have kept the lights on so far. Operators say battery
storage built in the last two years supplied a record share of the evening peak.
""",
    },
    {
        "desk": "technology",
        "slug": "private-lander-sends-first-pictures-from-lunar-south-pole",
        "headline": "Private Lander Sends First Pictures From the Moon's South Pole",
        "standfirst": (
            "The robotic lander touched down near a crater rim and has begun a two-week "
            "survey for water ice, the resource that could sustain future crews."
        ),
        "hours_ago": 50,
        "bylines": [("jonas-berg", "by")],
        "topics": ["space"],
        "photo": ("moon", 10, "A lunar lander on the grey surface of the Moon, Earth in the sky."),
        "body": """\
A privately built robotic lander has touched down near the Moon's south pole and sent back
its first pictures: long shadows, a crater rim, and the Earth low over the horizon.

## Looking for ice

The south pole matters because some craters there never see sunlight, and may hold water
ice. Water could give future crews drinking water, oxygen and rocket fuel.

The lander carries a drill and a small spectrometer. Its operators have two weeks of
sunlight to work with before the lunar night ends the mission.
""",
    },
]

# Work in progress in the demo reporter's name, so the reporter has something in admin.
DRAFT_ARTICLES = [
    {
        "desk": "technology",
        "slug": "start-ups-teaching-ai-models-small-languages",
        "headline": "The Start-ups Teaching AI Models to Speak Small Languages",
        "standfirst": "Small teams are building language models for languages big labs overlook.",
        "status": "draft",
        "bylines": [("daniel-okafor", "by")],
        "topics": ["artificial-intelligence", "open-source"],
        "photo": ("skyline-night", 13, "A city skyline at night reflected in a river."),
        "body": """\
Draft. Interviews with three founders to come.

## Notes

- Training data: community recordings and public-domain books.
- Open weights, so that schools can run them offline.
""",
    },
    {
        "desk": "business",
        "slug": "battery-recycling-becomes-a-boom-industry",
        "headline": "Battery Recycling Becomes a Boom Industry",
        "standfirst": "Old electric-car batteries are turning into a valuable source of metals.",
        "status": "in_review",
        "bylines": [("daniel-okafor", "by"), ("priya-raman", "reporting")],
        "topics": ["energy", "markets"],
        "photo": ("skyline", 14, "Office towers on a river bank under a blue sky."),
        "body": """\
Recyclers are racing to recover lithium, nickel and cobalt from the first generation of
electric-car batteries to reach the end of their lives.

## The economics

Recovered metals are cheaper to refine than newly mined ore, and new rules require a
growing share of recycled content in new batteries.
""",
    },
]


for _article in OTHER_ARTICLES + DRAFT_ARTICLES:
    _article["body"] = unwrap(_article["body"])
