"""Canonical patent numbers: one key and one display form per application or publication.

Examiners paste numbers in whatever spelling they have (``13/926,335``, ``US201313926335``,
``特願平11-123456``, ``PCT/US02/36644`` ...).  :func:`normalise` turns every spelling of the same
number into the same :class:`PatentNumber`, whose ``key`` is used for storage and lookup and whose
``display`` is the one format shown to people.  Pure standard library, no Django.

Decisions
=========

General
-------
* Text is cleaned first: Unicode NFKC (full-width digits, NBSP), every dash to ``-``, quotes and
  brackets dropped, words such as "U.S. Pat. No.", "Appl. No.", "Serial No.", "#", "S/N" removed,
  "EP-A-0 843 156" (EPO citation style) and Google Patents' ``US-8000000-B2`` understood, and
  so are the office code after the number as some lists write it (``13/926,335 US``,
  ``2012-223456 JP``), ``WOPCT/US2013/064552`` and docdb without kind (``EP.2906789``).  A
  signed number (``-1``, a spreadsheet's empty marker) is refused.  Input longer than 100
  characters is refused.
* ``key`` = office code + digits, no separators, no check digit, no kind code.  A few keys keep
  letters where the number itself has them (``USRE45123``, ``USD654321``, ``JPH11123456``,
  ``AUPN1234``, ``BRPI0612345``, ``IN1234DEL2013``, ``TWI123456``) and PCT applications keep the
  receiving office (``WO2013US064552``).
* Publication keys leave out the kind code: ``US8131731B2`` and ``US8131731`` both give key
  ``US8131731``; the kind code is kept in ``kind_code`` and shown in ``display``.
* DEPATISnet's publication numbers, zero-padded to 12 digits (``US020170285092A1``,
  ``JP002011251389A``, ``BE000001020123A3``), are read without the padding; so are its 8-digit
  forms (``BE00571395A``) for offices read as plain digits; AR publications keep 6 digits
  (``AR000000071041A1`` is ``AR 071041 A1``).
* Keys are unique within a kind, not across kinds: some offices number applications and
  publications from the same series (US 10/123,456 vs US 10,123,456, JP 2013-123456 application vs
  publication, DE, FR, CA).  Store the kind next to the key where kinds share a column.
* ``priority`` numbers are application numbers: same key, same display; only ``kind`` differs.
* Check digits (EP, CN, DE, GB, BR ...) are accepted with or without, never required.  Where the
  algorithm is known (EP, CN, DE) a given check digit is validated and the display shows the
  computed one; where it is not known (GB, DK ...) a given check digit is kept for display
  (``GB1218345.6`` shows ``GB 1218345.6``) and left out of the key; none is invented.
* ``format_display(key)`` re-reads the key, so it equals ``normalise(key).display`` (without a
  check digit the key cannot hold).  Because keys carry no kind code, pass ``kind_code=`` (and
  ``kind=`` where the shape of a key does not tell the kind) to get a publication's full display.
* ``candidates`` lists other possible keys when the spelling leaves something open: US serial
  without series code, JP two-digit year without era, KR number without type code, bare numbers
  without office code that fit several offices.  ``filed`` narrows these down.
* :func:`readings` returns every reading of a text as :class:`PatentNumber` (most likely first):
  each kind the text fits (``US20130926335``: EPODOC application or pre-grant publication) and
  each candidate.  The search tries each against what is stored.
* :func:`file_name_form` makes a display form safe for file names (``PCT-US2013-064552``,
  ``EP13844704.0``): one function for every ZIP and download name.
* A bug in the parser is logged (``logger.exception`` on ``dossiers.numbers``) and reaches the
  user as :class:`InvalidNumber`; the fuzz tests fail on any such log.

EPO forms (DOCDB / EPODOC), in and out
--------------------------------------
As recorded OPS responses give them (tests/dossiers/data/number_corpus.csv, sources listed):
* DOCDB application numbers carry an application kind (A, U, P, W, T, F ...): accepted, and an
  EPODOC application may carry it glued on (``US202563753186P``, ``DK19702186T``).
* US applications: DOCDB ``US.87951510.A`` (serial + 2-digit year) up to 2010 filings,
  ``US.201113167395.A`` (year + series + serial) from 2011; EPODOC ``US20100942680`` (year +
  serial padded to 7, no series) up to 2010, ``US201113167395`` from 2011.  Read in both forms;
  where the series is left out it follows from the year (other series as further readings).
* PCT: EPODOC ``WO2008IB12345`` (5-digit serial); DOCDB ``GB.0204635.W`` up to 2003,
  ``US.2013064552.W`` from 2004.
* The filing year in EPODOC: EP ``EP20130844704``, JP ``JP20150536789``, GB ``GB20120018345``,
  AU ``AU20240265697``, CA ``CA20112744162``, NL ``NL19981010536``.
* EPODOC publication numbers may keep a one-letter kind (``JP4961043B`` for JP 4961043 B2):
  read; the DOCDB form is then None unless the letter is the whole kind code there.
* ``docdb``/``epodoc`` are filled where the EPO forms can be derived with fair confidence; they are
  ``None`` otherwise (a publication's docdb form needs its kind code).

Per office (key / display)
--------------------------
* US application  ``US13926335`` / ``US 13/926,335`` (series codes 01-19, 29 designs,
  35 Hague designs, 60-63 provisionals, 90/95/96 re-examination).  epodoc ``US201313926335`` and
  docdb ``US.201313926335.A`` only when the filing year is known (epodoc/docdb input or ``filed``).
  Patents ``US8131731`` / ``US 8,131,731 B2``; reissue/design/plant ``USRE45123`` /
  ``US RE45,123 E``; pre-grant publications ``US20130123456`` / ``US 2013/0123456 A1`` (the
  Espacenet form ``US2013123456A1`` is understood).
* EP application ``EP13844704`` / ``EP 13844704.0`` (Luhn check digit as documented by the EPO,
  checked against real numbers); epodoc ``EP20130844704``, docdb ``EP.13844704.A``.
  Publication ``EP3082535`` / ``EP 3082535 A1`` (seven digits, zero padded).
* PCT application ``WO2013US064552`` / ``PCT/US2013/064552`` (office ``WO``, kind ``pct``); two
  digit years 78-99 are 19xx, 00-77 20xx; serials are padded to six digits.  epodoc
  ``WO2013US64552``, docdb ``US.2013064552.W``.  WO publication ``WO2009085664`` /
  ``WO 2009/085664 A2``.
* JP application ``JP2013123456`` / ``JP 2013-123456``; era years (Meiji, Taisho, Showa, Heisei,
  Reiwa; ``H25``, ``平成25``, ``特願平11-``) become western years.  Publications from 2000 on
  ``JP2000177507`` / ``JP 2000-177507 A``; earlier ones keep the era, as Espacenet does
  (``JPH11123456`` / ``JP H11-123456 A``); their EPODOC/DOCDB forms drop the serial's leading
  zeros (``JPS582167U`` for ``JP S58-002167 U``, read as well); granted ``JP5123456`` /
  ``JP 5123456 B2``.
* KR application ``KR1020080107376`` / ``KR 10-2008-0107376`` (type 10 patent, 20 utility model,
  30 design).  Publications ``KR1020100130646`` / ``KR 10-2010-0130646 A`` and registrations
  ``KR101234567`` / ``KR 10-1234567 B1``.
* CN application ``CN201380062258`` / ``CN 201380062258.8`` (old form ``CN98123456`` /
  ``CN 98123456.9``); check digit: weights 2-9,2-5 mod 11, 10 = X.  Publication ``CN101911042`` /
  ``CN 101911042 B``.
* DE application ``DE102007004488`` / ``DE 10 2007 004 488.9``; old forms ``DE19512345`` /
  ``DE 195 12 345.x`` and ``DE4123456`` / ``DE 41 23 456.x``; patents up to 1957 ``DE466541`` /
  ``DE 466541 C``; DEPATISnet's zero padding (``DE000019958011A1``) is dropped.  Check digit
  (DPMA): weights 2, 3, 4 ... from the right, 11 - (sum mod 11), and 0 when the sum is a multiple
  of 11 (``DE 10 2006 032 425.0``, OPS Reference Guide); when it gives 10 the DPMA rule is not
  known here, so any check digit is accepted and none is shown.  Numbers below 31 00 000 (up to
  1980) use the older weights 1..7 mod 10.
* GB ``GB1234567`` / ``GB 1234567``; FR ``FR1234567`` / ``FR 1234567``; CA ``CA2123456`` /
  ``CA 2,123,456``; AU ``AU2013123456`` / ``AU 2013123456``, old ``12345/95`` is stored as
  ``AU1995012345`` and shown ``AU 12345/95``, provisional ``AUPN1234`` / ``AU PN1234``;
  IN ``IN1234DEL2013`` / ``IN 1234/DEL/2013`` and ``IN201611012345`` / ``IN 201611012345``;
  BR ``BR102013012345`` / ``BR 10 2013 012345``, old ``BRPI0612345`` / ``BR PI 0612345`` (INPI's
  check digit shown as given: ``BR 10 2020 015883-0``, ``BR PI 0812345-6``);
  MX application ``MX2015004567`` / ``MX/a/2015/004567`` (IMPI; docdb ``MX.2015004567.A``;
  other type letters kept in the key: ``MXE2015004567`` / ``MX/E/2015/004567``);
  AR ``AR20130103456`` / ``AR P20130103456`` (also ``P130103456``; the earlier generic key
  ``AR0103456`` a candidate); CO ``CONC20170012345`` / ``CO NC2017/0012345``, old
  ``CO15123456`` / ``CO 15-123456``;
  TW ``TW102123456`` / ``TW 102123456``; SG ``SG11201803052`` / ``SG 11201803052Q`` (the check
  letter shown when given, Espacenet's ``SG11201803052QA`` read), old ``SG 200507268-1``.
* AT application ``ATA9671994`` / ``AT A 967/1994`` (serial/filing year; ``GM`` utility models:
  ``ATGM12019`` / ``AT GM 1/2019``); SE application ``SE1101235`` / ``SE 1101235-4`` (the check
  digit shown as given); EA patents zero padded to 6 digits (``EA12345`` is ``EA 012345``); RU
  application ``RU2006139951`` / ``RU 2006139951``, EPODOC ``RU20060139951``.  Keys the generic
  reader gave these before (``AT9671994``, ``SE11012354``, ``EA12345``, ``RU0139951``) are
  candidates, so rows stored under them are still found.
* ZA application ``ZA202208038`` / ``ZA 2022/08038`` (CIPC: filing year / 5-digit serial; the
  key as the generic reader gave it, ``ZA2022/8038``'s earlier key ``ZA20228038`` a candidate).
* DK patent application ``DKPA201170255`` / ``DK PA 2011 70255`` (PA, filing year, 5-digit serial;
  the key keeps the letters, as AT's; ``DK201170255``, the digits read generically, a candidate).
* Any other WIPO ST.3 office: ``CC`` + digits / ``CC digits``.  Unknown codes are refused.
"""

from __future__ import annotations

from ._base import (
    KINDS,
    MAX_LENGTH,
    OFFICE_CODES,
    InvalidNumber,
    PatentNumber,
    cn_check_digit,
    de_check_digit,
    ep_check_digit,
)
from .core import (  # noqa: F401  (_normalise: the un-wrapped parser, for tests)
    _normalise,
    file_name_form,
    format_display,
    normalise,
    readings,
)

__all__ = [
    "KINDS",
    "MAX_LENGTH",
    "OFFICE_CODES",
    "InvalidNumber",
    "PatentNumber",
    "cn_check_digit",
    "de_check_digit",
    "ep_check_digit",
    "file_name_form",
    "format_display",
    "normalise",
    "readings",
]
