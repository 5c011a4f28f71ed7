"""Literature behind every model component, declared next to the code (Axelrod style).

A component — a power index, a region map, a strategy pattern, a game — is registered with
:func:`cites`, naming the works it rests on (keys of :data:`WORKS`). ``realpolitik.references.
components()`` lists them all, and ``docs/reference/literature.md`` is checked against it.

>>> from realpolitik.references import WORKS
>>> WORKS["walt1987"].short
'Walt (1987)'

Works marked ``verified=False`` are cited from the developers' knowledge of the literature and
have not been checked against the text: check them before quoting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from realpolitik.errors import InputError


@dataclass(frozen=True)
class Work:
    key: str
    authors: tuple[str, ...]
    year: int
    title: str
    where: str = ""
    verified: bool = False

    @property
    def short(self) -> str:
        """``Walt (1987)``, ``Christensen & Snyder (1990)``, ``Singer et al. (1972)``."""
        last = [a.split(",")[0].strip() for a in self.authors]
        names = last[0] if len(last) == 1 else (
            f"{last[0]} & {last[1]}" if len(last) == 2 else f"{last[0]} et al.")
        return f"{names} ({self.year})"

    def full(self) -> str:
        who = "; ".join(self.authors)
        tail = f". {self.where}" if self.where else ""
        return f"{who} ({self.year}). {self.title}{tail}."


_W = [
    Work("waltz1979", ("Waltz, Kenneth N.",), 1979, "Theory of International Politics",
         "Reading, MA: Addison-Wesley"),
    Work("walt1987", ("Walt, Stephen M.",), 1987, "The Origins of Alliances",
         "Ithaca: Cornell University Press"),
    Work("schweller1994", ("Schweller, Randall L.",), 1994,
         "Bandwagoning for Profit: Bringing the Revisionist State Back In",
         "International Security 19(1): 72-107"),
    Work("christensen1990", ("Christensen, Thomas J.", "Snyder, Jack",), 1990,
         "Chain Gangs and Passed Bucks: Predicting Alliance Patterns in Multipolarity",
         "International Organization 44(2): 137-168"),
    Work("mearsheimer2001", ("Mearsheimer, John J.",), 2001, "The Tragedy of Great Power Politics",
         "New York: W. W. Norton"),
    Work("pape2005", ("Pape, Robert A.",), 2005, "Soft Balancing against the United States",
         "International Security 30(1): 7-45"),
    Work("paul2005", ("Paul, T. V.",), 2005, "Soft Balancing in the Age of U.S. Primacy",
         "International Security 30(1): 46-71"),
    Work("kuik2008", ("Kuik, Cheng-Chwee",), 2008,
         "The Essence of Hedging: Malaysia and Singapore's Response to a Rising China",
         "Contemporary Southeast Asia 30(2): 159-185"),
    Work("snyder1997", ("Snyder, Glenn H.",), 1997, "Alliance Politics",
         "Ithaca: Cornell University Press"),
    Work("jervis1978", ("Jervis, Robert",), 1978, "Cooperation under the Security Dilemma",
         "World Politics 30(2): 167-214"),
    Work("beaufre1963", ("Beaufre, André",), 1963, "Introduction à la stratégie",
         "Paris: Armand Colin"),
    Work("liddellhart1954", ("Liddell Hart, B. H.",), 1954, "Strategy: The Indirect Approach",
         "London: Faber and Faber"),
    Work("nash1950", ("Nash, John F.",), 1950, "The Bargaining Problem",
         "Econometrica 18(2): 155-162"),
    Work("kalai1977", ("Kalai, Ehud",), 1977,
         "Nonsymmetric Nash Solutions and Replications of 2-Person Bargaining",
         "International Journal of Game Theory 6(3): 129-133"),
    Work("shapley1953", ("Shapley, Lloyd S.",), 1953, "A Value for n-Person Games",
         "Contributions to the Theory of Games II (Annals of Mathematics Studies 28): 307-317"),
    Work("gillies1959", ("Gillies, Donald B.",), 1959, "Solutions to General Non-Zero-Sum Games",
         "Contributions to the Theory of Games IV (Annals of Mathematics Studies 40): 47-85"),
    Work("tullock1980", ("Tullock, Gordon",), 1980, "Efficient Rent Seeking",
         "Toward a Theory of the Rent-Seeking Society, College Station: Texas A&M University "
         "Press: 97-112"),
    Work("hirshleifer1989", ("Hirshleifer, Jack",), 1989,
         "Conflict and Rent-Seeking Success Functions: Ratio vs. Difference Models of Relative "
         "Success", "Public Choice 63(2): 101-112"),
    Work("singer1972", ("Singer, J. David", "Bremer, Stuart", "Stuckey, John",), 1972,
         "Capability Distribution, Uncertainty, and Major Power War, 1820-1965",
         "Peace, War, and Numbers, Beverly Hills: Sage: 19-48", verified=True),
    Work("cline1977", ("Cline, Ray S.",), 1977,
         "World Power Assessment 1977: A Calculus of Strategic Drift", "Boulder: Westview Press"),
    Work("haushofer1927", ("Haushofer, Karl",), 1927, "Grenzen in ihrer geographischen und "
         "politischen Bedeutung", "Berlin: Kurt Vowinckel"),
    Work("putnam1988", ("Putnam, Robert D.",), 1988,
         "Diplomacy and Domestic Politics: The Logic of Two-Level Games",
         "International Organization 42(3): 427-460"),
    Work("bailey2017", ("Bailey, Michael A.", "Strezhnev, Anton", "Voeten, Erik",), 2017,
         "Estimating Dynamic State Preferences from United Nations Voting Data",
         "Journal of Conflict Resolution 61(2): 430-456", verified=True),
    Work("thompson2022", ("Thompson, William R.", "Sakuwa, Kentaro", "Suhas, Prashant H.",), 2022,
         "Analyzing Strategic Rivalries in World Politics", "Singapore: Springer", verified=True),
    Work("gibler2016", ("Gibler, Douglas M.", "Miller, Steven V.", "Little, Erin K.",), 2016,
         "An Analysis of the Militarized Interstate Dispute (MID) Dataset, 1816-2001",
         "International Studies Quarterly 60(4): 719-730", verified=True),
    Work("fearon1995", ("Fearon, James D.",), 1995, "Rationalist Explanations for War",
         "International Organization 49(3): 379-414"),
    Work("schelling1966", ("Schelling, Thomas C.",), 1966, "Arms and Influence",
         "New Haven: Yale University Press"),
    # balance of threat (measures/threat.py)
    Work("walt1985", ("Walt, Stephen M.",), 1985,
         "Alliance Formation and the Balance of World Power",
         "International Security 9(4): 3-43"),
    Work("boulding1962", ("Boulding, Kenneth E.",), 1962, "Conflict and Defense: A General "
         "Theory", "New York: Harper & Row"),
    Work("lemke2001", ("Lemke, Douglas", "Reed, William",), 2001,
         "The Relevance of Politically Relevant Dyads",
         "Journal of Conflict Resolution 45(1): 126-144"),
    Work("stinnett2002", ("Stinnett, Douglas M.", "Tir, Jaroslav", "Schafer, Philip",
                          "Diehl, Paul F.", "Gochman, Charles",), 2002,
         "The Correlates of War (COW) Project Direct Contiguity Data, Version 3.0",
         "Conflict Management and Peace Science 19(2): 59-67"),
    # leeway game (models/leeway.py)
    Work("stein2002", ("Stein, William E.",), 2002,
         "Asymmetric Rent-Seeking with More Than Two Contestants",
         "Public Choice 113(3-4): 325-336"),
    Work("hillman1989", ("Hillman, Arye L.", "Riley, John G.",), 1989,
         "Politically Contestable Rents and Transfers", "Economics and Politics 1(1): 17-39"),
    Work("skaperdas1996", ("Skaperdas, Stergios",), 1996, "Contest Success Functions",
         "Economic Theory 7(2): 283-290"),
    Work("baye1994", ("Baye, Michael R.", "Kovenock, Dan", "de Vries, Casper G.",), 1994,
         "The Solution to the Tullock Rent-Seeking Game When R > 2: Mixed-Strategy Equilibria "
         "and Mean Dissipation Rates", "Public Choice 81(3-4): 363-380"),
    Work("konrad2009", ("Konrad, Kai A.",), 2009, "Strategy and Dynamics in Contests",
         "Oxford: Oxford University Press"),
    Work("bondareva1963", ("Bondareva, Olga N.",), 1963,
         "Some Applications of Linear Programming Methods to the Theory of Cooperative Games",
         "Problemy Kibernetiki 10: 119-139 (in Russian)"),
    Work("shapley1967", ("Shapley, Lloyd S.",), 1967, "On Balanced Sets and Cores",
         "Naval Research Logistics Quarterly 14(4): 453-460"),
    Work("crawford2011", ("Crawford, Timothy W.",), 2011,
         "Preventing Enemy Coalitions: How Wedge Strategies Shape Power Politics",
         "International Security 35(4): 155-189"),
    Work("lo2008", ("Lo, Bobo",), 2008,
         "Axis of Convenience: Moscow, Beijing, and the New Geopolitics",
         "London: Chatham House; Washington, DC: Brookings Institution Press"),
    Work("cooley2012", ("Cooley, Alexander",), 2012,
         "Great Games, Local Rules: The New Great Power Contest in Central Asia",
         "New York: Oxford University Press"),
    Work("corless1996", ("Corless, Robert M.", "Gonnet, Gaston H.", "Hare, David E. G.",
                         "Jeffrey, David J.", "Knuth, Donald E."), 1996,
         "On the Lambert W Function", "Advances in Computational Mathematics 5(1): 329-359"),
    Work("mazarr2015", ("Mazarr, Michael J.",), 2015,
         "Mastering the Gray Zone: Understanding a Changing Era of Conflict",
         "Carlisle, PA: Strategic Studies Institute, U.S. Army War College"),
]
WORKS: dict[str, Work] = {w.key: w for w in _W}


@dataclass(frozen=True)
class Component:
    name: str
    kind: str
    works: tuple[str, ...]
    summary: str = ""
    module: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


_COMPONENTS: dict[str, Component] = {}

T = TypeVar("T")


def register(name: str, kind: str, works: tuple[str, ...] | list[str], summary: str = "",
             module: str = "") -> Component:
    """Record a component and the works it rests on (unknown work keys are an error)."""
    unknown = [w for w in works if w not in WORKS]
    if unknown:
        raise InputError(f"component {name!r} cites unknown work(s) {unknown}",
                         "add them to realpolitik.references.WORKS")
    comp = Component(name, kind, tuple(works), summary, module)
    _COMPONENTS[name] = comp
    return comp


def cites(*works: str, kind: str = "model", name: str | None = None) -> Callable[[T], T]:
    """Decorator: register a function or class as a component citing ``works``.

    The object gets a ``__references__`` attribute (tuple of :class:`Work`).
    """

    def deco(obj: T) -> T:
        label = str(name or getattr(obj, "__qualname__", repr(obj)))
        doc = (getattr(obj, "__doc__", "") or "").strip().splitlines()
        register(label, kind, list(works), doc[0] if doc else "",
                 getattr(obj, "__module__", ""))
        try:
            obj.__references__ = tuple(WORKS[w] for w in works)  # type: ignore[attr-defined]
        except (AttributeError, TypeError):
            pass
        return obj

    return deco


def components() -> list[Component]:
    """Every registered component (import the model modules first to register theirs)."""
    import importlib

    for mod in ("realpolitik.measures.power", "realpolitik.models.plane",
                "realpolitik.models.leeway", "realpolitik.models.strategy",
                "realpolitik.measures.threat"):
        try:
            importlib.import_module(mod)
        except ImportError:
            continue
    return sorted(_COMPONENTS.values(), key=lambda c: (c.kind, c.name))
