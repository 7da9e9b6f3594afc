"""The articles of the annotated pages: invented news and blog texts, written for this
benchmark (no real site's text). make.py wraps each in a page; `main` is the annotation.

Paragraph marks: "## " a subheading, "> " a quotation, "* " a list item, "$ " code.
"""

from __future__ import annotations

ARTICLES = [
    dict(
        slug="council-budget-vote",
        title="Council approves leaner budget after late-night session",
        author="Marta Keller",
        date="2025-03-12T21:40:00+01:00",
        paras=[
            "The city council approved next year's budget shortly before midnight on "
            "Wednesday, ending a session that ran for more than six hours and saw three "
            "amendments rejected by a single vote.",
            "The plan trims spending on road resurfacing by eight percent and moves the "
            "savings into the library service and a new fund for flood defences along the "
            "eastern embankment.",
            "Councillor Ines Baptiste, who chairs the finance committee, said the cuts had "
            'been painful but unavoidable. "We could not keep promising repairs we were '
            'never going to pay for," she told the chamber.',
            "Opposition members argued that the resurfacing cut would cost more in the "
            "long run as potholes spread. Their amendment to restore the money failed by "
            "twenty votes to nineteen.",
            "The budget now goes to the regional audit office, which has thirty days to "
            "raise objections before it takes effect in January.",
        ],
    ),
    dict(
        slug="old-bridge-repairs",
        title="Old stone bridge to close for nine months of repairs",
        author="Tomasz Wrona",
        date="2024-11-04T07:15:00+00:00",
        paras=[
            "The stone bridge that has carried traffic over the Lenne since 1871 will close "
            "to cars from the first of February, the county engineering office announced.",
            "Inspectors found water seeping through the second and third arches and "
            "several loose blocks in the parapet. The repairs will replace the drainage "
            "layer under the road and repoint every arch by hand.",
            "Pedestrians and cyclists will be able to cross on a temporary walkway for "
            "most of the works. Drivers face a detour of about four kilometres through "
            "the industrial estate.",
            "Local shopkeepers worry about the loss of passing trade. The county has "
            "promised signs pointing visitors to the old town from both ends of the "
            "detour.",
        ],
    ),
    dict(
        slug="bakery-reopens",
        title="Family bakery reopens a year after the fire",
        author="Lea Oduya",
        date="2025-06-20T06:00:00+02:00",
        paras=[
            "The queue outside Brandt's bakery started before six in the morning, an hour "
            "before the doors opened for the first time since a fire gutted the kitchen "
            "last June.",
            "Jonas Brandt, the third generation of his family to run the shop, rebuilt "
            'the bread oven with bricks salvaged from the old one. "The rye tastes the '
            'same, that was the whole point," he said.',
            "Neighbours raised more than forty thousand euros in a collection after the "
            "fire, enough to pay for the new ventilation system the insurer refused to "
            "cover.",
            "The bakery will open six days a week, closing on Mondays, and plans to add a "
            "small café corner in the autumn.",
        ],
    ),
    dict(
        slug="marathon-record",
        title="Course record falls at the harbour marathon",
        author="Daniel Ferro",
        date="2025-04-27T14:05:00+02:00",
        paras=[
            "Amina Yusuf broke the harbour marathon's course record on Sunday, finishing "
            "in two hours, twenty-one minutes and nine seconds despite a stiff headwind "
            "along the seafront.",
            "Yusuf ran alone from the twenty-fifth kilometre after her training partner "
            "dropped back with cramp. She took forty seconds off the record set nine "
            "years ago.",
            "In the men's race, Pieter de Waal outsprinted two rivals in the final "
            "straight to win by a second.",
            "## Thousands on the streets",
            "Organisers counted more than eleven thousand finishers across the marathon, "
            "the half marathon and the relay, the largest field since the race began.",
            "The city's transport company ran extra trams from six in the morning and "
            "said the day passed without serious delays.",
        ],
    ),
    dict(
        slug="library-robots",
        title="Robots sort returned books at the central library",
        author="Hana Sato",
        date="2024-09-09T10:00:00+02:00",
        paras=[
            "Returned books at the central library now travel along a conveyor belt and "
            "into one of twelve bins, sorted by a machine that reads the chip inside each "
            "cover.",
            "The system cost about three hundred thousand euros and replaces work that "
            "took two staff members most of every morning. The library says nobody will "
            "lose their job; the staff will run more reading groups instead.",
            "* Books return to the shelves within an hour instead of a day.",
            "* The return slot is open around the clock.",
            "* Damaged items are set aside automatically for repair.",
            "Similar machines run in several libraries in the north of the country, where "
            "staff report fewer lost books and shorter waits for reservations.",
        ],
    ),
    dict(
        slug="river-flood-warning",
        title="Flood warning for the lower valley as river rises",
        author="Staff reporter",
        date="2025-01-18T16:30:00+00:00",
        paras=[
            "The environment agency has issued a flood warning for villages in the lower "
            "valley after two days of heavy rain pushed the river more than two metres "
            "above its usual level.",
            "Residents of low-lying streets in Marlow End and Kettering Mill are advised "
            "to move valuables upstairs and to keep away from the riverbank.",
            "The peak is expected on Sunday morning. Sandbags are available at the fire "
            "station and the village hall until eight in the evening.",
            "Schools in the area will decide on Monday morning whether to open.",
        ],
    ),
    dict(
        slug="chess-open-final",
        title="Teenager wins the city chess open on tie-break",
        author="Oskar Lind",
        date="2024-08-03T19:20:00+02:00",
        paras=[
            "Fifteen-year-old Mira Castell won the city chess open on Saturday, edging out "
            "two grandmasters on tie-break after all three finished on seven points from "
            "nine rounds.",
            "Castell's win in the final round came from a sharp Sicilian in which she "
            "sacrificed a rook for a mating attack on move twenty-six.",
            '"I saw the idea but I did not believe it until I checked it three times," '
            "she said afterwards.",
            "The tournament drew two hundred and forty players from eighteen countries, "
            "a record for the event.",
        ],
    ),
    dict(
        slug="solar-startup-funding",
        title="Solar roof startup raises twelve million in new funding",
        author="Priya Raman",
        date="2025-02-05T08:00:00-05:00",
        paras=[
            "Brightshingle, a startup that makes roof tiles with built-in solar cells, has "
            "raised twelve million dollars in a funding round led by a pension fund.",
            "The company says its tiles cost about a fifth more than a regular roof plus "
            "panels, but install in half the time and survive hail that cracks ordinary "
            "panels.",
            "The money will pay for a second production line and a warranty programme "
            "covering twenty-five years.",
            "Analysts caution that building-integrated solar has a history of ambitious "
            "startups that ran out of money before reaching scale.",
        ],
    ),
    dict(
        slug="opera-review-tosca",
        title="Review: a cold, brilliant Tosca at the state opera",
        author="Clara Weiss",
        date="2024-10-14T12:00:00+02:00",
        paras=[
            "The new production of Tosca moves the story to a grey ministry building in "
            "an unnamed country, all filing cabinets and fluorescent light.",
            "It is a bold idea that works better in the second act than in the first, "
            "where the church setting is missed. Scarpia's office, with its wall of "
            "surveillance screens, makes his menace feel modern and banal at once.",
            "> Vissi d'arte was sung almost without movement, and the house held its breath.",
            "Elena Marchetti sings the title role with a bright, steady tone and acts "
            "with a restraint that makes the final leap all the more shocking.",
            "The orchestra under Paulo Reis plays with great precision but rarely lets "
            "the music burn. Performances continue until the end of November.",
        ],
    ),
    dict(
        slug="lentil-soup-recipe",
        title="A lentil soup for the first cold week",
        author="Ana Lopes",
        date="2024-11-22T09:00:00+00:00",
        paras=[
            "When the first properly cold week arrives I make this soup on Sunday and eat "
            "it until Wednesday. It gets better every day.",
            "## What you need",
            "* 250 g red lentils, rinsed",
            "* 2 carrots and 1 onion, chopped",
            "* 1 tin of tomatoes",
            "* 1 teaspoon each of cumin and smoked paprika",
            "* 1 litre of vegetable stock",
            "## Method",
            "Soften the onion and carrots in olive oil for ten minutes. Add the spices and "
            "stir for a minute, then the lentils, tomatoes and stock.",
            "Simmer for twenty-five minutes until the lentils fall apart. Blend half of "
            "it and stir it back in, so the soup is thick but still has some texture.",
            "Finish with lemon juice and a spoonful of yoghurt.",
        ],
    ),
    dict(
        slug="ridge-trail-guide",
        title="Walking the ridge trail in one long day",
        author="Felix Moreau",
        date="2025-05-30T18:45:00+02:00",
        paras=[
            "The ridge trail runs twenty-three kilometres from the dam to the old border "
            "post, with about thirteen hundred metres of climbing on the way.",
            "Start early: the first two hours are in forest, but after the saddle there is "
            "no shade at all until the descent to the border post.",
            "Water is the main problem. The spring marked on older maps below the second "
            "summit dried up years ago, so carry at least three litres.",
            "The last bus from the border post leaves at half past six in summer. Miss it "
            "and it is a fourteen kilometre walk down the road to the valley.",
        ],
    ),
    dict(
        slug="release-notes-2-4",
        title="What is new in version 2.4",
        author="The maintainers",
        date="2025-07-01T00:00:00+00:00",
        paras=[
            "Version 2.4 is out. It is a quieter release than 2.3, focused on speed and on "
            "the rough edges people reported over the spring.",
            "## Faster startup",
            "The command line now starts in about half the time, because the plugin "
            "registry is read lazily instead of at import.",
            "## Configuration",
            "The configuration file may now include other files, and unknown keys are "
            "reported with the line they appear on.",
            "$ pip install --upgrade toolname==2.4",
            "Thanks to the thirty-one people who contributed to this release.",
        ],
    ),
    dict(
        slug="glacier-study",
        title="Alpine glaciers lost a tenth of their ice in two years, study finds",
        author="Jonas Albrecht",
        date="2024-06-11T11:00:00+02:00",
        paras=[
            "Glaciers in the Alps lost about ten percent of their remaining volume in the "
            "two hot summers that followed the dry winter of the study's first year.",
            "The researchers combined drone surveys of forty glaciers with satellite data "
            "and measurements from stakes drilled into the ice.",
            "Small glaciers below three thousand metres fared worst. Several of them have "
            "split into separate patches of dead ice that no longer move.",
            "The authors say that even if warming stopped today, most glaciers in the "
            "eastern Alps would disappear within the century.",
        ],
    ),
    dict(
        slug="court-ruling-tenants",
        title="Court rules landlords must itemise service charges",
        author="Rebecca Stone",
        date="2025-03-03T13:10:00+00:00",
        paras=[
            "Landlords must give tenants an itemised account of service charges before "
            "they can demand payment, the appeal court ruled on Monday.",
            "The case was brought by a tenants' association in a block of two hundred "
            "flats that had faced a single unexplained bill for maintenance.",
            "The judges said a lump sum gave tenants no way to check whether they were "
            "being charged fairly, and that the law required more.",
            "Landlord groups said the ruling would add paperwork but did not change "
            "what they were allowed to charge.",
        ],
    ),
    dict(
        slug="school-lunch-pilot",
        title="Free school lunches to be tested in six schools",
        author="Amal Haddad",
        date="2024-09-25T08:30:00+02:00",
        paras=[
            "Six primary schools will serve free lunches to every pupil from January in a "
            "pilot paid for by the regional government.",
            "The schools were chosen to include both city and village schools. Cooks "
            "will prepare the meals on site from a menu drawn up with a nutritionist.",
            "Teachers' unions welcomed the pilot but asked how schools without kitchens "
            "would take part if it were extended.",
            "Researchers from the university will compare attendance and test results "
            "with similar schools outside the pilot.",
        ],
    ),
    dict(
        slug="transit-strike",
        title="Tram and bus drivers strike for a second day",
        author="Lukas Brenner",
        date="2025-10-08T05:50:00+02:00",
        paras=[
            "Trams and buses stayed in their depots for a second day on Wednesday as "
            "drivers continued a strike over shift patterns and pay.",
            "The union says drivers routinely work split shifts of more than twelve hours "
            "with unpaid breaks in between. The transport company has offered a four "
            "percent raise but no change to the shifts.",
            "Commuters crowded onto the few regional trains still running, and traffic "
            "on the ring road was at a standstill for much of the morning.",
            "Talks are due to resume on Friday.",
        ],
    ),
    dict(
        slug="museum-clocks-exhibit",
        title="Museum opens exhibition of clocks that never kept time",
        author="Sofia Lindqvist",
        date="2024-12-02T10:15:00+01:00",
        paras=[
            "The city museum has opened an exhibition of about sixty clocks that were "
            "never meant to keep good time: toys, prototypes, forgeries and mistakes.",
            "Among them is a clock with thirteen hours on its face, made by an apprentice "
            "in 1790 who misread his master's drawing, and a pocket watch that runs "
            "backwards.",
            "The curator, Henrik Dahl, says the show is about the people behind the "
            'objects. "A failed clock tells you more about its maker than a perfect one."',
            "The exhibition runs until the end of April. Entry is free on the first "
            "Sunday of every month.",
        ],
    ),
    dict(
        slug="derby-match-report",
        title="Late header settles the river derby",
        author="Marco Bianchi",
        date="2025-09-14T22:05:00+02:00",
        paras=[
            "A header from substitute Tiago Ramos in the ninety-third minute gave the "
            "home side a one-nil win in the river derby on Sunday evening.",
            "The visitors had the better of the first half and hit the post twice, but "
            "faded after their captain went off injured just before the break.",
            "Ramos, on for only eleven minutes, met a corner at the near post and "
            "glanced the ball in off the crossbar.",
            "The win lifts the home side to third in the table, two points behind the "
            "leaders with a game in hand.",
        ],
    ),
    dict(
        slug="comet-visible",
        title="Comet visible to the naked eye this week",
        author="Ravi Menon",
        date="2024-10-01T20:00:00+00:00",
        paras=[
            "A comet discovered only last year is now bright enough to see without a "
            "telescope, low in the western sky shortly after sunset.",
            "Look about an hour after sunset, below and to the left of the bright planet "
            "Venus. Binoculars will show the tail stretching upwards.",
            "The comet will fade over the next two weeks as it moves away from the Sun, "
            "and it will not return for about eighty thousand years.",
        ],
    ),
    dict(
        slug="book-review-harbour-novel",
        title="A quiet novel about a harbour town that will not let go",
        author="Nadia Rahman",
        date="2025-08-16T09:30:00+01:00",
        paras=[
            "Not much happens in Ellen Varga's third novel, and that is its strength. A "
            "retired ferry captain spends a winter repairing a boat he will never sail.",
            "Varga writes the harbour town with the patience of someone who has lived "
            "there: the smell of diesel and seaweed, the same four faces in the café.",
            "The captain's daughter, who left for the city years ago, arrives halfway "
            "through, and the book becomes a careful study of what fathers and daughters "
            "do not say.",
            "It is not a book for readers who want a plot. For everyone else it is one of "
            "the finest novels of the year.",
        ],
    ),
    dict(
        slug="clockmaker-profile",
        title="The last clockmaker on Mill Street",
        author="Greta Holm",
        date="2024-07-07T07:00:00+02:00",
        paras=[
            "Walter Janssen has repaired clocks in the same narrow shop on Mill Street "
            "for fifty-two years. In October he will close the door for the last time.",
            "He learned the trade from his uncle, who opened the shop after the war with "
            "tools bought from a bankrupt factory. Some of them are still on the bench.",
            "Most of his customers now bring mechanical watches inherited from parents. "
            '"People do not need them to know the time," he says. "They need them to keep '
            'running."',
            "Nobody has offered to take over the shop. The tools will go to the museum.",
        ],
    ),
    dict(
        slug="python-dict-tips",
        title="Three dictionary habits that make Python code clearer",
        author="Kenji Mori",
        date="2025-02-28T15:00:00+09:00",
        paras=[
            "Dictionaries are everywhere in Python code, and a few habits make code that "
            "uses them easier to read.",
            "## Use get with a default",
            "Instead of checking whether a key exists before reading it, ask for a default "
            "value directly.",
            "$ count = counts.get(word, 0)",
            "## Group with setdefault",
            "When building lists of values for each key, setdefault creates the list the "
            "first time a key is seen.",
            "## Merge with the union operator",
            "Since Python 3.9, the union operator merges two dictionaries into a new one, "
            "with the right-hand side winning on shared keys.",
        ],
    ),
    dict(
        slug="election-turnout",
        title="Turnout rises in municipal elections as mayor is re-elected",
        author="Elif Demir",
        date="2025-05-19T01:20:00+02:00",
        paras=[
            "Mayor Rosa Jimenez won a second term on Sunday with fifty-four percent of the "
            "vote, on a turnout of sixty-one percent, the highest in two decades.",
            "Her main challenger, Viktor Halloran, conceded shortly after midnight and "
            "congratulated her on a clear result.",
            "The Greens became the second largest group on the council, gaining five "
            "seats mostly in the new districts north of the ring road.",
            "Jimenez promised to put the new tram line to the airport at the top of her agenda.",
        ],
    ),
    dict(
        slug="vaccine-clinic",
        title="Walk-in vaccination clinic opens at the market hall",
        author="Health desk",
        date="2024-10-21T09:00:00+02:00",
        paras=[
            "A walk-in clinic offering flu and other seasonal vaccinations has opened at "
            "the market hall and will run every weekday until Christmas.",
            "No appointment is needed. Visitors should bring their insurance card; the "
            "vaccinations are free for people over sixty and for pregnant women.",
            "Last year's clinic at the same spot gave more than nine thousand jabs, many "
            "of them to people who said they would not have booked at a surgery.",
        ],
    ),
]
