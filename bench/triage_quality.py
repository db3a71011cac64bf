"""How well triage ranks real issues: AUC easy vs rest, precision@10, GPU recall/precision.

    python bench/triage_quality.py ISSUES.jsonl [MORE.jsonl ...] [--folds repo|K|none]
    python bench/triage_quality.py ISSUES.jsonl --fit      # refit harness/triage/weights.json
    python bench/triage_quality.py ISSUES.jsonl --test OTHER.jsonl  # fit here, score there
    python bench/triage_quality.py A.jsonl B.jsonl ... --update --folds file  # weights updated

Reads labelled issues in the format of the development set (one JSON object a line:
repo, number, title, labels, state, created_at, body, difficulty, needs_gpu, ...); the
texts stay where they are, nothing of them is copied into the repository.

Two views, each overall and per repository:
- ``shipped``: the weights in harness/triage/weights.json as they are;
- ``held-out`` (default ``--folds repo``): for each repository, weights fitted on the
  OTHER repositories only, then scored on it (leave one repository out); ``--folds 5``
  is a 5-fold split by issue instead, ``--folds file`` leaves each file given out in turn
  (one labelled set each).  These are the honest figures for unseen issues.
The last view is also split by the kind the labels give (bug, question, feature, ...): the
AUC within a kind says where the ranking goes wrong.  A line under it counts the kinds
scoring finds as the labels give them, and the usage questions it finds (``--beginner``
leaves those out).

The dev set has no comments, assignees or history, so each issue is scored as of the day
it was filed (age 0, no comments): only what its text and labels say counts.

Each AUC comes with the middle 95% of the AUCs of 1,000 resamples of its issues: how far
chance moves the AUC of a set that size (a repository's 30 issues of one fresh set: about
0.15 either way; the eight fresh sets from the twenty-third, 672 issues: 0.03).

Exits 1 when a held-out repository misses AUC >= 0.85 or GPU recall >= 0.9.

``--update`` moves the shipped weights by the issues given, each pulled back to its
shipped weight (:func:`harness.triage.learn.update`): the GPU model's (its cut taken
again), then the easy model's words and signals.  It also fits the words alone on those
issues and blends them in (weights that hold words alone already: moved, each pulled back
to its shipped weight, as the model's own words).  The shipped weights are the first
fit's updated on every labelled set at once (below).  It writes weights.json with the
issues it learned from (``updated_on``), and refuses (exit 2) any of them given again:
they would weigh twice; with ``--folds file`` it first scores each file after an update on
the others.

``--fit`` refuses (exit 2) to replace weights fitted on more issues than it was given: the
shipped ones learned from every labelled set below, whose texts are not in the repository,
and a machine that lacks some of them would otherwise ship weights that learned from a
fraction.  ``--replace`` writes them anyway.

``--test OTHER.jsonl`` fits on the sets given and scores OTHER with those weights (weights.json
untouched): the figures for a set labelled apart.  ``--folds none`` scores a set with the
shipped weights only.

``--labels LABELS.jsonl`` takes the labels of the issues it names from that file instead
(another labeller's; ``bench/triage_agreement.py`` compares two label files).

``bench/triage_extra_labels.jsonl`` holds our own labels (no texts) of 20 more real issues,
never used to design or fit the scoring; ``bench/triage_extra2_labels.jsonl`` the labels (no
texts) of 252 more, labelled apart from the dev set by the same rubric: first only scored
(``--test``), then fitted on with the dev set for the shipped weights.  Their texts come
from the public threads at their ``url``.

``bench/triage_extra3_labels.jsonl`` (126 issues), ``..._extra4_...`` (105), ``..._extra5_...``
(103), ``..._extra6_...`` (96), ``..._extra7_...`` (75), ``..._extra8_...`` (84),
``..._extra9_...`` (70), ``..._extra10_...`` (70), ``..._extra11_...`` (65),
``..._extra12_...`` (70), ``..._extra13_...`` (70), ``..._extra14_...`` (70),
``..._extra15_...`` (70), ``..._extra16_...`` (70), ``..._extra17_...`` (70),
``..._extra18_...`` (70), ``..._extra19_...`` (39), ``..._extra20_...`` (47),
``..._extra21_...`` (53), ``..._extra22_...`` (51), ``..._extra23_...`` (86),
``..._extra24_...`` (89), ``..._extra25_...`` (85), ``..._extra26_...`` (86),
``..._extra27_...`` (85), ``..._extra28_...`` (85), ``..._extra29_...`` (78),
``..._extra30_...`` (78), ``..._extra31_...`` (80), ``..._extra32_...`` (77),
``..._extra33_...`` (65), ``..._extra34_...`` (76), ``..._extra35_...`` (80),
``..._extra36_...`` (53), ``..._extra37_...`` (70), ``..._extra38_...`` (80),
``..._extra39_...`` (52), ``..._extra40_...`` (74), ``..._extra41_...`` (62) and
``..._extra42_...`` (47) are forty fresh sets (the
fourteen before the last eighteen without peft: its pool of unseen issues seemed dry; the
last eighteen have 5 to 25 peft issues each, found by more specific queries; the
thirty-third found only 19 diffusers issues no set had, the thirty-sixth 18 and 7 peft
ones; the thirty-seventh and thirty-eighth were drawn together, split by issue number: the
newer issues, from transformers#25000, diffusers#7000 and peft#1500 on, and the older ones
below those; the thirty-ninth and fortieth likewise, when the newer peft issues no set had
were down to 5; the forty-first from any year, 8 peft issues; the forty-second, from any
year, no peft issue; ``..._extra43_...`` to ``..._extra71_...``, twenty-nine more of 12 to
49 issues each, mostly issues filed before 2022, usage questions and Flax/TPU issues: few
unseen issues were left), each drawn in the
search's rank order from fixed lists of queries (not picked by difficulty; spam and empty
templates included) and labelled from the rubric alone by readers who saw neither the scoring
nor the other sets; ``..._relabels.jsonl`` are a second reader's labels of the same issues.
Until the words of :mod:`harness.triage.words` came, none was fitted on; since, the shipped
weights are fitted on the third to the twentieth with the dev set and the additions (``--fit``
given every file), then updated (``--update``) on the twenty-third to the seventy-first, and
``--folds file`` scores each set by weights fitted on all the other files.
The third and fourth sets were scored, then read for mistakes (so later figures on them are
not clean); the fifth, sixth and seventh were each scored once on the code
of the stop that drew them (the sixth's mistakes were then read); the eighth and ninth were
scored once on the code at ``51ed82f`` (and on a variant not kept: learned word weights); the
tenth once at ``5f14d32``, then read for mistakes; the eleventh once at ``2291355``; the
twelfth once at ``dd815d4`` and once at ``a773304`` (models named by their diffusers class:
0.847 and 0.846); the thirteenth once at ``5f14d32`` and once at ``d59e604`` (0.671 and 0.674);
the fourteenth once at ``b2846a4`` (0.628), then read for mistakes (0.650 at ``cae7004``); the
fifteenth and sixteenth at ``b2846a4`` and ``cae7004`` (0.785 and 0.783; 0.758 and 0.762) and
on a variant not kept (learned word weights, fitted on every labelled set but these two: 0.760
and 0.756), then read for mistakes (0.780 and 0.759 at ``41bbd78``); the seventeenth once at
``b2846a4`` and once at ``e924008`` (0.709 and 0.708); the eighteenth once at ``2930fff``
(0.696; 0.672 by its second reader), then read for mistakes (0.703 at ``e307580``); the
nineteenth (its diffusers queries ran dry: 9 issues, none easy) once at ``2365bbb`` (0.861;
0.883 by its second reader); the twentieth once at ``71c752c`` (0.675; 0.669 by its second
reader); the twenty-first (drawn while the words were made, read by no one until they were
committed) once at ``37e1547``, the words' commit (0.794; 0.826 by its second reader), and at
``2050ac4``, before it (0.770; 0.774); the twenty-second, drawn after the words, once at
``5b1a162`` (0.841; 0.737 by its second reader, who agrees on 78%: six empty or spam posts
are medium to one reader, easy to the other) and at ``2050ac4`` (0.797; 0.723); the
twenty-third, drawn on a new machine with fresh query lists, once at ``7ddaeef`` (0.814:
diffusers 0.758, peft 0.799, transformers 0.955; 0.811 by its second reader, who agrees on
98%), then read for mistakes (0.830 at ``10152a2``); the twenty-fourth, drawn after those
changes from query lists new again, once at ``23f9764`` (0.772: diffusers 0.852, peft 0.868,
transformers 0.630; 0.740 by its second reader, who agrees on 88%), the same at ``cdd701f``;
the twenty-fifth once at ``1b6fc3b`` (0.829: diffusers 0.880, peft 0.833, transformers 0.761,
GPU recall 21/23; 0.809 by its second reader, who agrees on 92%), then read for mistakes;
the twenty-sixth, drawn after the fixes that reading gave, once at ``1b6fc3b`` and at
``bfe30ad`` (the same: 0.792, diffusers 0.770, peft 0.667, transformers 0.914, GPU recall
12/15; 0.735 by its second reader, who agrees on 95%), then read for mistakes (0.807 at
``50646f7``, GPU recall 14/15); the twenty-seventh, drawn after all of those, once at
``1b6fc3b`` and at ``09abccc`` (the same: 0.852, diffusers 0.805, peft 0.875, transformers
0.856, GPU recall 12/12; 0.896 by its second reader, who agrees on 94%); the twenty-eighth,
once at ``64bc8fd`` (0.807: diffusers 0.836, peft 0.956, transformers 0.651, GPU recall
14/15; 0.798 by its second reader, who agrees on 94%), then read for mistakes; the
twenty-ninth, drawn after, once at ``64bc8fd`` and at ``e7cf619`` (the same: 0.871,
diffusers 0.876, peft 0.922, transformers 0.833, GPU recall 15/15; 0.896 by its second
reader, who agrees on 90%), then read for mistakes; the thirtieth, drawn after, once at
``64bc8fd`` and at ``eff6db2`` (the same: 0.890, diffusers 0.856, peft 0.892, transformers
0.974, GPU recall 6/9; 0.831 by its second reader, GPU recall 6/8, who agrees on 94%);
the thirty-first, drawn after, once at ``ab094d3`` and at ``76bdb7f`` (the update on the
eight before it: 0.857 and 0.859; diffusers 0.921 and 0.915, peft 0.848 and 0.818,
transformers 0.794 and 0.831, GPU recall 11/12; by its second reader 0.836 and 0.850, GPU
recall 13/13, who agrees on 95%), then read for mistakes (0.870 at ``fe817cc``); the
thirty-second, drawn after, once at ``ab094d3``, ``01b1a67`` (the update on eight) and
``b0db1f0`` (the update on nine): 0.798, 0.817 and 0.814 (diffusers 0.708, 0.738, 0.727;
peft, with one easy issue, 0.875, 1.000, 1.000; transformers 0.823, 0.785, 0.770; GPU recall
15/16; by its second reader, who agrees on 92%, 0.805 at ``01b1a67`` and 0.801 at
``b0db1f0``), then read for mistakes; the thirty-third, drawn after, once at ``9d28d09``
(0.736: diffusers 0.933, peft 0.625, transformers 0.781, GPU recall 10/12; 0.798 by its
second reader, who agrees on 88%), then read for mistakes (0.744 at ``f2445ae``, GPU recall
11/12); the thirty-fourth, drawn after, once at ``4f47d9e`` (0.812: diffusers 0.905, peft
0.540, transformers 0.838, GPU recall 9/9; 0.797 by its second reader, who agrees on 95%);
the thirty-fifth, drawn after, once at ``ab094d3``, ``8fb3581`` (the update on twelve) and
``c793390`` (a paper named by a bug or a question is no new architecture): 0.810, 0.821 and
0.824 (diffusers 0.843, 0.875, 0.875; peft 0.747, 0.747, 0.768; transformers 0.795 at all
three; GPU recall 14/16, 15/16, 15/16; by its second reader, who agrees on 90%, 0.829 at
``8fb3581`` and 0.836 at ``c793390``); the thirty-sixth, drawn after, once at ``d6295e5``
(0.821: diffusers 0.903, peft 0.750, transformers 0.837, GPU recall 7/9; 0.736 by its second
reader, who agrees on 85%); the thirty-seventh (newer issues) and thirty-eighth (older), drawn
after, once at ``5d6961b``: 0.867 (diffusers 0.858, peft 0.909, transformers 0.866, GPU
recall 13/15; 0.843 by its second reader, who agrees on 96%) and 0.697 (diffusers 0.686,
peft 0.661, transformers 0.760, GPU recall 14/16; 0.721 by its second reader, who agrees
on 88%, and whose labels rank the first reader's at 0.867), then read for mistakes; the
thirty-ninth (newer) and fortieth (older), drawn after, once at ``49be944``, the update on
sixteen: 0.817 (diffusers 0.925, peft with no easy issue, transformers 0.714, GPU recall
8/8; 0.856 by its second reader, who agrees on 98%) and 0.820 (diffusers 0.890, peft 0.879,
transformers 0.708, GPU recall 8/9; 0.852 by its second reader, who agrees on 92%), then
read for mistakes.  Scored by the weights before any update, these two rank at 0.853 and
0.836 (the update on sixteen: 0.817 and 0.820), the thirty-seventh and thirty-eighth at
0.859 and 0.707 (the update on fourteen: 0.867 and 0.697); the forty-first, drawn after the
update on eighteen and after the stop's last change to the scoring, once at ``e31bbb4``
(0.762: diffusers 0.871, peft 0.750 on 8 issues, transformers 0.706, GPU recall 3/4; 0.716
by its second reader, who agrees on 89%; by the weights before any update 0.772), and not
learned from; it then helped choose how hard an update pulls (0.772 at ``e17d8a6``, the
eighteen learned from again, pulled four times harder); the forty-second, drawn after all of
that, once at ``8ecdbae`` (0.811: diffusers 0.917, transformers 0.756, GPU recall 9/9; 0.875
by its second reader, who agrees on 94%; 0.807 at the stop's first commit, ``5d6961b``), and
not learned from.  Then fewer unseen issues were left: most sets after are issues filed
before 2022 and usage questions.  The forty-third to forty-sixth, drawn at once (newer, older,
older transformers with diffusers of any year, newer transformers with peft of any year),
once at ``4df0185``, the update on twenty: 0.642 (diffusers 0.857, peft 0.476, transformers
0.750, GPU recall 4/4; 0.728 by its second reader, who agrees on 90%), 0.708 (diffusers
0.633, transformers 0.729, GPU recall 4/5; 0.770, 94%), 0.686 (diffusers 0.837, transformers
0.641, GPU recall 3/4; 0.741, 93%) and 0.641 (peft 0.792, transformers 0.694, GPU recall 2/2;
0.580, 96%), then read for mistakes; the forty-seventh (transformers below #12000, diffusers)
and forty-eighth (transformers #12000 to #24999, peft), drawn during that reading and opened
after the changes it led to, once at ``b9881ab``: 0.781 (diffusers 1.000 on 7, transformers
0.704, GPU recall 3/3; 0.756, 95%) and 0.675 (peft 0.733, transformers 0.665, GPU recall 5/5;
0.661, 90%); the forty-ninth and fiftieth, drawn before the update on twenty-six and opened
after it, once at ``21af771``: 0.873 (peft 1.000 on 8 with one easy issue, transformers
0.827, GPU recall 3/3; 0.876, 97%) and 0.724 (diffusers 1.000 on 5, transformers 0.509, no
GPU issue; 0.769, 86%), not learned from; the fifty-first (transformers below #12000), drawn
after all of that, once at ``f9b7431`` (the same scoring): 0.773 (GPU recall 3/3; 0.829 by its
second reader, who agrees on 93%), not learned from; the fifty-second (transformers below
#12000), drawn after the next change (a TPU is no GPU issue), once at ``f0bdf71``: 0.860
(GPU recall 1/1; 0.889 by its second reader, who agrees on 93% and finds no GPU issue),
not learned from.  At the stop's first commit, ``9b777ab``, the forty-ninth and fiftieth
pool at 0.801, with the fifty-first at 0.796, with the fifty-second at 0.809; at
``21af771``, 0.820 and 0.804, and at ``f0bdf71`` with the fifty-second 0.814.  The next stop
drew fourteen more in three rounds, split by issue number (transformers below #6000 or
#3000, #3000 to #5999, #6000 to #11999, #12000 to #24999, from #25000; diffusers and peft of
any year, in the last set of each round), each scored once and read by a second reader.
The fifty-third to fifty-seventh, once at ``000fcee`` (the stop's start): 0.679 (GPU recall
2/2; 0.688 by its second reader, who agrees on 93%), 0.764 (6/6; 0.699, 87%), 0.944 (1/2;
0.786, 87%), 0.727 (1/1; 0.710, 80%) and 0.637 (diffusers 0.550, peft 1.000 on 7 with one
easy issue, GPU recall 6/6; 0.794, 95%), then read for mistakes (a Keras
``model.compile`` is no torch.compile, ``973af42``); the fifty-eighth to sixty-first, drawn
after that and after the update on thirty-five (``818b1e9``), once there: 0.727 (3/3; 0.663,
77%), 0.740 (2/2; 0.764, 96%), 0.604 (no GPU issue; 0.600, 94%) and 0.851 (diffusers 0.594
on 12, peft 0.861 on 9, transformers 0.871, GPU recall 2/2; 0.949, 91%), pooled 0.780
(0.774 at ``000fcee``); the sixty-second to sixty-sixth, drawn after the update on
thirty-nine (``f035907``), once there: 0.742 (1/3; 0.751, 87%), 0.900 (1/1; 0.877, 83%),
0.856 (no GPU issue; 0.808, 84%), 0.952 (4/4; 0.952, 100%) and 0.810 (diffusers 0.962 on 17,
peft 1.000 on 5 with one easy issue, transformers 0.782, GPU recall 1/1; 0.787, 95%), pooled
0.815 (transformers 0.802, GPU recall 7/9; 0.820 at ``000fcee``), not learned from; the
sixty-seventh (transformers below #3000), drawn after that, once at ``ce3d118`` (the same
scoring): 0.705 (GPU recall 3/3; 0.800 by its second reader, who agrees on 90%; 0.696 at
``000fcee``), not learned from.  The six sets not learned from pool at 0.795 (157 issues;
0.797 at ``000fcee``).  The forty-ninth to sixty-first are learned from since ``818b1e9``
and ``f035907``.  The next stop blended in the words fitted alone (``3c066d3``): each of
the thirty-nine to the sixty-first, scored after an update on the others, 0.807 -> 0.820;
the six not learned from, once there, 0.820 (0.795 at ``8a3de4f``, before it).  It drew four
more, split by issue number (transformers below #3000, #3000 to #11999, #12000 to #24999,
from #25000 with diffusers and peft of any year), scored once at ``3c066d3`` and at
``8a3de4f``: the sixty-eighth 0.718 and 0.716 (GPU recall 1/1; 0.862 by its second reader,
who agrees on 87%), the sixty-ninth 0.656 and 0.719 (no GPU issue; 0.861, 83%), the
seventieth 0.540 and 0.557 (0/1; 0.656, 84%), the seventy-first 0.870 and 0.846 (diffusers
1.000 on 13, peft 0.625 on 8, transformers 0.893, GPU recall 5/5; 0.797, 88%), pooled 0.756
and 0.748; the ten not learned from, 0.796 and 0.780.  Then the update learned from all
forty-nine from the twenty-third (2,321 issues): each held out, 0.818 (diffusers 0.852,
peft 0.789, transformers 0.804; 0.794 by the first fit's weights).  The seventy-second to
seventy-ninth, drawn after that in two rounds split by issue number as before, not learned
from, once at ``c329a83`` (the update on forty-nine) and at ``8a3de4f``: 0.659 and 0.730 (no
GPU issue; 0.534 by its second reader, who agrees on 85%), 0.865 and 0.865 (2/2; 0.868,
97%), 0.958 and 0.958 (1/1; 0.958, 100%), 0.917 and 0.891 (diffusers 0.900 on 13, peft 3
issues, transformers 1.000 on 10, GPU recall 4/4; 0.917, 100%), 0.819 and 0.801 (6/6;
0.740, 90%), 0.871 and 0.886 (2/3; 1.000, 67%), 0.653 and 0.653 (1/1; 0.750, 89%), 0.770
and 0.770 (diffusers 0.944 on 11, transformers 0.644 on 14, GPU recall 5/5; 0.750, 88%);
pooled 0.832 and 0.833 (185 issues, GPU recall 21/22); the eightieth (transformers below
#3000) and eighty-first (#3000 to #11999 25, diffusers 4), drawn after, once at ``cab8a5d``
(the same weights) and at ``8a3de4f``: 0.786 and 0.786 (no GPU issue; 0.904 by its second
reader, who agrees on 82%) and 0.922 and 0.912 (1/1; 0.814, 86%).  The ten from the
seventy-second pool at 0.841 and 0.836 (231 issues, GPU recall 22/23; 0.836 by the second
readers' labels); the twenty from the sixty-second, none learned from at ``3c066d3``, at
0.816 there and 0.808 at ``8a3de4f`` (481 issues, GPU recall 38/42).  The next stop drew
twelve more in three rounds, split by issue number as before (the eighty-second to
ninety-third; 1 to 27 unseen issues per 50 look-ups were left, peft 1 in 60).  The
eighty-second to eighty-fifth (82 issues), once at ``7b06b42`` (the weights of the update on
forty-nine): 0.742 (GPU recall 5/9; 0.793 by their second readers, who agree on 85%).  The
update then learned from sixty-three (to the eighty-fifth, 2,634 issues; the fifty-nine to
the eighty-first, each held out: 0.823, against 0.796 by the first fit's weights).  The
eighty-sixth to eighty-ninth (102), drawn before it and opened after, once at ``2d801b6``
and at ``b7ad097``: 0.725 and 0.707 (GPU recall 7/7; 0.766 and 0.758 by the second readers,
who agree on 87%).  The update on sixty-seven (to the eighty-ninth, 2,736 issues), then the
ninetieth to ninety-third (60), not learned from, once at ``38d9bba`` and at ``2d801b6``:
0.760 and 0.760 (GPU recall 3/3; 0.724 and 0.722, 92%).  The twelve, each scored by weights
that had not learned from it: 0.746 (diffusers 0.709 on 46, transformers 0.759 on 197, one
peft issue; GPU recall 15/19; usage questions 0.605 on 76, bugs 0.803 on 106).  The stop
after drew twelve more in three rounds, split as before (the ninety-fourth to the
hundred-and-fifth; 5 to 26 unseen issues were left per 50 look-ups).  The ninety-fourth to
ninety-seventh (82 issues), once at ``98e4f82`` (the update on sixty-seven): 0.669
(diffusers 0.470 on 26, transformers 0.762 on 56; GPU recall 4/8; 0.695 by their second
readers, who agree at 0.920).  The update then learned from seventy-five (to the
ninety-seventh, 2,878 issues; each held out 0.815, the fifty-nine to the eighty-first among
them 0.826).  The ninety-eighth to the hundred-and-first (68), drawn before it and opened
after, not learned from, once at ``2069cc5`` by the update and by the weights before it:
0.650 and 0.649 (GPU recall 1/4; 0.590 and 0.581 by the second readers, who agree at
0.931).  The third round, the hundred-and-second to hundred-and-fifth (63), drawn after the
stop's last change, once at ``bedffeb``: 0.736 (diffusers 0.745 on 21, transformers 0.710
on 42; GPU recall 7/9; 0.793 by the second readers, who agree at 0.870); 0.731 by the
weights before the update, on the same code.  The twenty-four from the eighty-second, each
scored by weights that had not learned from it, at ``bedffeb``: 0.718 (diffusers 0.650 on
109, transformers 0.745 on 347, one peft issue; GPU recall 29/40; usage questions 0.666 on
144, bugs 0.748 on 208; 0.732 by the second readers).  The next stop let the update refit
the GPU model (``ce0431e``; the eighty-three to the hundred-and-fifth, 3,009 issues, each
held out: GPU recall 0.920 -> 0.950, the twenty-four from the eighty-second 29/40 -> 35/40,
the easy AUC 0.812 either way) and drew eight more in two rounds (the hundred-and-sixth to
hundred-and-thirteenth; 51 and 73 unseen issues per 250 look-ups).  The hundred-and-sixth
to hundred-and-ninth (73: transformers below #3000, #3000 to #11999, #12000 to #24999, from
#25000 with diffusers), drawn before that change and opened after it, once at ``bd364a3``:
0.727 (diffusers 0.733 on 28, transformers 0.700 on 45; GPU recall 7/7, 6/7 by the weights
before; 0.772 by the second readers, who agree at 0.904); the hundred-and-tenth to
hundred-and-thirteenth (51: transformers #3000 to #11999, #12000 to #24999, from #25000,
diffusers below #6000 and from #6000), drawn after it, once there: 0.799 (diffusers 0.981
on 17, transformers 0.681 on 34; GPU recall 3/3; 0.766 by the second readers, who agree at
0.882).  The thirty-two from the eighty-second (581), each scored by weights that had not
learned from it: 0.727 (diffusers 0.704 on 154, transformers 0.742 on 426; GPU recall 39/50;
usage questions 0.659 on 165, bugs 0.756 on 265; 0.740 by the second readers).  The update
then learned from ninety-one (to the hundred-and-thirteenth, 3,133 issues).  The
hundred-and-fourteenth to hundred-and-seventeenth (45: transformers #3000 to #11999, from
#25000, diffusers below #6000 and from #6000; 45 per 200 look-ups), drawn after that, once
at ``dc38e2a``: 0.699 (diffusers 0.400 on 16, transformers 0.834 on 29; GPU recall 2/2;
0.749 by the second readers, who agree at 0.933); 0.697 by the update on eighty-three.  The
hundred-and-eighteenth to hundred-and-twenty-first (39: transformers #3000 to #11999, from
#25000, diffusers from #6000, peft; 39 per 200 look-ups), once at ``60b899a`` (the same
scoring): 0.839 (diffusers 0.571 on 8, transformers 0.878 on 28, three peft issues; GPU
recall 4/4; 0.807 by the second readers, who agree at 0.949); 0.847 by the update on
eighty-three.  The hundred-and-twenty-second and twenty-third (41: transformers #3000 to
#11999, from #25000; 41 per 100 look-ups), once at ``5e27140`` (the same scoring): 0.812
(GPU recall 1/2; 0.828 by the second readers, who agree at 0.927); 0.807 by the update on
eighty-three.  None of these three rounds is learned from; the update on ninety-one scores
their ten sets (125) at 0.780 (transformers 0.847 on 98, diffusers 0.458 on 24).  The
eighteen sets of that stop (249), each scored once: 0.770 (diffusers 0.724 on 69,
transformers 0.793 on 177; GPU recall 17/18).  The forty-two from the eighty-second (706),
each scored by weights that had not learned from it: 0.737 (diffusers 0.678 on 178,
transformers 0.763 on 524; GPU recall 46/58; usage questions 0.672 on 186, bugs 0.760 on
339; 0.749 by the second readers).  The hundred-and-twenty-fourth and twenty-fifth (113:
transformers below #3000, #3000 to #11999, #12000 to #24999, from #25000, diffusers below
#6000 and from #6000, one peft issue; 113 per 550 look-ups), once: by the shipped weights
(the update on ninety-one, ``a230e1c``) 0.722 (diffusers 0.725 on 47, transformers 0.706 on
65; GPU recall 11/11; 0.689 by the second readers); by an update on the hundred and one to
the hundred-and-twenty-third, 0.727, and with each word of the title weighed apart too,
0.728 (diffusers 0.755, transformers 0.702; GPU recall 11/11).  The forty-four from the
eighty-second (819), each scored by weights that had not learned from it: 0.735 (diffusers
0.688 on 225, transformers 0.755 on 589; GPU recall 57/69; usage questions 0.677 on 217,
feature requests 0.641 on 150, bugs 0.759 on 393).  The update then learned from a hundred
and three (to the hundred-and-twenty-fifth, 3,371 issues).  The hundred-and-twenty-sixth
(54: transformers below #3000, #3000 to #11999, #12000 to #24999, diffusers below #6000 and
from #6000; 54 per 250 look-ups), drawn after that, scored by the update on a hundred and
three with the title's words: 0.728 (diffusers 0.597 on 18, transformers 0.759 on 36; GPU
recall 5/5); by the shipped weights before it, 0.748; by the updates on a hundred and one
without and with the title's words, 0.740 and 0.732.  The title's words were not kept (the
three sets pooled, 167: 0.734 and 0.732); the update on a hundred and three without them,
shipped, scores it 0.739 (diffusers 0.611, transformers 0.771; GPU recall 5/5), a figure
read after that choice; 0.703 by the second reader's labels, who agrees with the first on
easy for 87%.  The hundred-and-twenty-seventh (49: transformers below #3000 and #3000 to
#11999, diffusers below #6000 and from #6000; 49 per 200 look-ups, the last of them), drawn
after that choice, once at ``4b07c28`` (the shipped weights): 0.778 (diffusers 0.650 on 13,
transformers 0.785 on 36; GPU recall 3/4, the miss a request for a hosted video VAE;
0.777 by the second reader, who agrees at 0.939).  The two pooled (103): 0.748, GPU recall
8/9.  Neither was learned from then; the update then learned from a hundred and five (to the
hundred-and-twenty-seventh, 3,474 issues).  The hundred-and-twenty-eighth (73: transformers
below #3000, #3000 to #7499, #7500 to #11999, #12000 to #18999, #19000 to #24999, from #25000,
diffusers below and from #6000; 73 per 400 look-ups), drawn after that update, once at
``d6cf834``: 0.805 (diffusers 0.725 on 13, transformers 0.825 on 60; GPU recall 2/2; 0.823 by
the second reader, who agrees with the first on easy for 86%).  The hundred-and-twenty-ninth
(42: transformers below #3000, #3000 to #7499, #7500 to #11999, #12000 to #18999, from
#25000, diffusers below #6000; 42 per 300 look-ups), once at
``d924a32`` (the same weights): 0.760 (diffusers 1.000 on 3, transformers 0.744 on 39; usage
questions 0.671 on 17; GPU recall 1/1; 0.777 by the second reader, who agrees at 86%).  The
two pooled (115): 0.787 (diffusers 0.810 on 16, transformers 0.791 on 99), GPU recall 3/3.
The hundred-and-thirtieth (69: transformers below #1500, #1500 to #2999, #3000 to #11999,
#12000 to #24999, from #25000, diffusers of any number; 69 per 300 look-ups, the last of that
stop's), once at ``dabfd05`` (the same weights): 0.903 (diffusers 1.000 on 13, transformers
0.870 on 56; usage questions 0.950 on 17, mostly of 2019; GPU recall 3/3; 0.891 by the second
reader, who agrees at 90% and calls 6 GPU issues where the first called 3).  The three
pooled (184): 0.834 (diffusers 0.889 on 29, transformers 0.823 on 155; feature requests
0.576 on 25), GPU recall 6/6; by the second readers' labels 0.844, GPU recall 9/9; the
second readers rank the first's at 0.887.  The forty-nine from the eighty-second (1,106), each
scored by weights that had not learned from it (the hundred-and-twenty-sixth by the update
on a hundred and three, read after a choice made on it): 0.752 (diffusers 0.707 on 285,
transformers 0.769 on 816; GPU recall 71/84; usage questions 0.717 on 299, feature requests
0.636 on 196, bugs 0.766 on 531).  The update then learned from a hundred and eight (to the
hundred-and-thirtieth, 3,658 issues), with each weight kept to its prior's sign.  The
hundred-and-thirty-first to thirty-third (64, 52 and 37: transformers below #800, #800 to
#1599, #1600 to #2399, #2400 to #3199, #3200 to #4499, #4500 to #5999, #6000 to #7999, #8000
to #9999, #10000 to #11999, #12000 to #14999, #15000 to #18999, #19000 to #24999, #25000 to
#29999, #30000 to #34999, from #35000; diffusers below #2500, #2500 to #4999, #5000 to #7999,
from #8000; 153 per 950 look-ups), drawn after that update, each once at ``d05fdb0``: 0.748
(GPU recall 4/4; 0.768 by the second reader, who agrees with the first on easy for 88%),
0.861 (4/5, the miss a TensorFlow port of a 6B model; 0.853, 90%), 0.704 (3/3; 0.750, 97%).
The three pooled (153): 0.777 (diffusers 0.702 on 33, transformers 0.796 on 120; usage
questions 0.593 on 40, bugs 0.787 on 71), GPU recall 11/12; by the second readers' labels
0.807, GPU recall 12/13; the second readers rank the first's at 0.921.  The fifty-two from the
eighty-second (1,259), each scored by weights that had not learned from it: 0.755 (diffusers
0.706 on 318, transformers 0.773 on 936; GPU recall 82/96; usage questions 0.702 on 339,
feature requests 0.651 on 212, bugs 0.767 on 602).  The update then learned from a hundred
and eleven (to the hundred-and-thirty-third, 3,811 issues), with a new signal (a short
post, chosen on the fifty-two held out).  The hundred-and-thirty-fourth (6: transformers below
#1600; 6 per 45 look-ups, the last of that stop's), once at ``989278d``: 0.778, GPU recall
2/2 (the second reader agrees on easy for all six and calls one of them a GPU issue).  The
update then learned from a hundred and twelve (to the hundred-and-thirty-fourth, 3,817).
The hundred-and-thirty-fifth to thirty-eighth (45, 47, 38 and 49: transformers below #3500,
#3501 to #7000, #7001 to #11000, #11001 to #15000, #15001 to #19000, #19001 to #23000, #23001
to #26500, #26501 to #30000, #30001 to #33500, #33501 to #37500, from #37501; diffusers below
#2500, #2501 to #5000, #5001 to #8000, #8001 to #11000, from #11001; peft; 179 per 884
look-ups), drawn after that update, each once at ``1a9123d``: 0.872 (GPU recall 6/6; 0.895
by the second reader, who agrees with the first on easy for 93%), 0.838 (1/1; 0.887, 94%),
0.762 (7/8; 0.803, 92%), 0.829 (19/19; 0.848, 96%).  The four pooled (179): 0.834
(diffusers 0.799 on 67, transformers 0.842 on 111; usage questions 0.628 on 32, feature
requests 0.699 on 31, bugs 0.836 on 82), GPU recall 33/34; by the second readers' labels
0.864 (diffusers 0.829, transformers 0.876), GPU recall 29/31; the second readers rank the
first's at 0.947.  The 153 that ``--beginner`` keeps (not called usage questions): 0.880
(diffusers 0.877 on 56, transformers 0.868 on 96).  An update on three of them scores the
fourth no better (0.871, 0.838, 0.761, 0.828): not shipped.  The hundred-and-thirty-ninth
(25: transformers of any number, diffusers of any number; 25 per 100 look-ups, the last of
that stop's), once at ``20cab80`` (the same weights): 0.733 (GPU recall 2/2; the second
reader agrees on every label).  The five pooled (204): 0.822 (diffusers 0.788 on 70,
transformers 0.829 on 133; usage questions 0.646 on 38, feature requests 0.640 on 34, bugs
0.826 on 94), GPU recall 35/36; by the second readers' labels 0.849, GPU recall 31/33; the
176 that ``--beginner`` keeps: 0.857 (diffusers 0.866 on 59, transformers 0.841 on 116).
The five sets from the twenty-third, pooled (431 issues):
0.814 at ``1b6fc3b``, 0.820 at ``09abccc``; the six (516): 0.817 at ``64bc8fd`` (diffusers
0.830, peft 0.817, transformers 0.801, GPU recall 0.962); the seven (594): 0.829 at
``e7cf619`` (diffusers 0.834, peft 0.842, transformers 0.812, GPU recall 0.966); the eight
(672): 0.835 at ``64bc8fd``, 0.840 at ``eff6db2`` (diffusers 0.843, peft 0.846,
transformers 0.833, GPU recall 0.945); the nine (752), each scored before any weights
learned from it (the eight at ``eff6db2``, the thirty-first at ``76bdb7f``): 0.841
(diffusers 0.848, peft 0.843, transformers 0.834, GPU recall 0.943); the ten (829), the
thirty-second at ``b0db1f0``: 0.837 (diffusers 0.837, peft 0.852, transformers 0.826, GPU
recall 0.942); the eleven (894), the thirty-third at ``9d28d09``: 0.830 (diffusers 0.837,
peft 0.838, transformers 0.816, GPU recall 0.935); the twelve (970), the thirty-fourth at
``4f47d9e``: 0.826 (diffusers 0.838, peft 0.820, transformers 0.818, GPU recall 0.938); the
thirteen (1,050), the thirty-fifth at ``c793390``: 0.826 (diffusers 0.842, peft 0.816,
transformers 0.816, GPU recall 0.938); the fourteen (1,103), the thirty-sixth at
``d6295e5``: 0.826 (diffusers 0.842, peft 0.812, transformers 0.819, GPU recall 0.931); the
sixteen (1,253), the thirty-seventh and thirty-eighth at ``5d6961b``: 0.821 (diffusers 0.833,
peft 0.807, transformers 0.820, GPU recall 0.923); the eighteen (1,379), the thirty-ninth and
fortieth at ``49be944``: 0.821 (diffusers 0.840, peft 0.810, transformers 0.810, GPU recall
0.924); the twenty (1,488), the forty-first at ``e31bbb4`` and the forty-second at
``8ecdbae``: 0.818 (diffusers 0.841, peft 0.806, transformers 0.803, GPU recall 0.924); the
twenty-six (1,728), the forty-third to forty-sixth at ``4df0185``, the forty-seventh and
forty-eighth at ``b9881ab``: 0.801 (diffusers 0.837, peft 0.776, transformers 0.781, GPU
recall 0.923); the twenty-eight (1,786), the forty-ninth and fiftieth at ``21af771``: 0.802
(diffusers 0.839, peft 0.781, transformers 0.779, GPU recall 0.924); the twenty-nine
(1,816), the fifty-first at ``f9b7431``: 0.801 (diffusers 0.839, peft 0.781, transformers
0.778, GPU recall 0.925); the thirty (1,846), the fifty-second at ``f0bdf71``: 0.802
(diffusers 0.839, peft 0.781, transformers 0.781, GPU recall 0.925); the thirty-five
(1,957), the fifty-third to fifty-seventh at ``000fcee``: 0.799 (diffusers 0.831, peft 0.782,
transformers 0.780, GPU recall 0.926); the thirty-nine (2,071), the fifty-eighth to
sixty-first at ``818b1e9``: 0.798 (diffusers 0.832, peft 0.783, transformers 0.778, GPU
recall 0.927); the forty-four (2,198), the sixty-second to sixty-sixth at ``f035907``: 0.800
(diffusers 0.834, peft 0.783, transformers 0.781, GPU recall 0.923); the forty-five
(2,228), the sixty-seventh at ``ce3d118``: 0.799 (diffusers 0.834, peft 0.783, transformers
0.780, GPU recall 0.924); the forty-nine (2,321), the sixty-eighth to seventy-first at
``3c066d3``: 0.797 (diffusers 0.838, peft 0.780, transformers 0.776, GPU recall 0.923).  The
ten from the
forty-third alone (358): 0.733 (diffusers 0.814, peft 0.700, transformers 0.727, GPU recall
28/30); the twenty-five from the forty-third (740): 0.757 (diffusers 0.796, peft 0.720,
transformers 0.754, GPU recall 61/66).

The texts of the sets after the dev set are not in the repository: a new machine that
lacks them can score the dev set and any set it gathers again, but not refit on them all
(``--fit`` says so).  ``bench/triage_texts.py`` brings them from GitHub (as GitHub gives
them now, whole: the labels were read from the posts as a corpus of threads showed them,
often cut short).
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.recipes import Recipe, load  # noqa: E402
from harness.triage import features, learn, model, scoring  # noqa: E402
from harness.triage.features import Features  # noqa: E402
from harness.triage.issues import Issue  # noqa: E402

AUC_GOAL = 0.85
GPU_RECALL_GOAL = 0.9


@dataclass(frozen=True)
class Labelled:
    issue: Issue
    features: Features
    easy: bool
    needs_gpu: bool
    kind: str
    source: str = ""  # the file it was read from


def read_labels(paths: Sequence[str]) -> dict[tuple[str, int], dict[str, Any]]:
    """Label records (repo, number, difficulty, needs_gpu, kind, ...) by (repo, number)."""
    found = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                raw = json.loads(line)
                found[(str(raw["repo"]), int(raw["number"]))] = raw
    return found


def read(paths: Sequence[str],
         labels: Mapping[tuple[str, int], Mapping[str, Any]] | None = None) -> list[Labelled]:
    recipes: dict[str, Recipe] = {}
    found = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                repo = str(raw["repo"])
                if labels and (repo, int(raw["number"])) in labels:
                    given = labels[(repo, int(raw["number"]))]
                    raw = {**raw, **{k: given[k] for k in ("difficulty", "needs_gpu", "kind")
                                     if k in given}}
                if raw["difficulty"] not in ("easy", "medium", "hard") or repo.count("/") != 1:
                    raise ValueError(f"difficulty {raw['difficulty']!r}, repo {repo!r}")
            except (ValueError, KeyError, TypeError) as e:
                print(f"{path}:{n}: skipped: {type(e).__name__}: {e}", file=sys.stderr)
                continue
            name = repo.rpartition("/")[2]
            recipe = recipes.get(name) or recipes.setdefault(name, load(name))
            created = _date(str(raw.get("created_at") or "2024-01-01"))
            issue = Issue(
                repo=repo, number=int(raw["number"]), title=str(raw.get("title") or ""),
                body=str(raw.get("body") or ""), state=str(raw.get("state") or "open"),
                labels=tuple(str(x) for x in raw.get("labels") or ()), assignees=(),
                author=str(raw.get("author") or ""), comments=0,
                created_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                updated_at=created.strftime("%Y-%m-%dT%H:%M:%SZ"), closed_at=None,
                url=str(raw.get("url") or ""),
            )
            f = features.extract(issue, recipe, now=created)
            found.append(Labelled(issue, f, raw["difficulty"] == "easy",
                                  bool(raw.get("needs_gpu")), str(raw.get("kind") or ""), path))
    return found


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text[:10]).replace(tzinfo=timezone.utc)
    except ValueError:
        return datetime(2024, 1, 1, tzinfo=timezone.utc)


# ----------------------------------------------------------------- measures

def auc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Probability that a random positive outranks a random negative (ties count half)."""
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = [s for s, p in zip(scores, positive, strict=True) if not p]
    if not pos or not neg:
        return None
    ranked = sorted(scores)
    rank: dict[float, float] = {}
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j] == ranked[i]:
            j += 1
        rank[ranked[i]] = (i + j + 1) / 2  # mean 1-based rank of the tie group
        i = j
    total = sum(rank[s] for s in pos)
    return (total - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def auc_interval(scores: Sequence[float], positive: Sequence[bool], reps: int = 1000,
                 seed: int = 0) -> tuple[float, float] | None:
    """The middle 95% of the AUCs of ``reps`` resamples (the easy and the other issues each
    drawn again, with replacement, as many as there are): how far the AUC of a set this
    size moves by chance."""
    pos = [s for s, p in zip(scores, positive, strict=True) if p]
    neg = sorted(s for s, p in zip(scores, positive, strict=True) if not p)
    if not pos or not neg:
        return None
    # each easy issue's place among the others: those below its score, then those tied
    spans = [(bisect.bisect_left(neg, s), bisect.bisect_right(neg, s)) for s in pos]
    rng = random.Random(seed)
    found = []
    for _ in range(reps):
        counts = [0] * len(neg)
        for j in rng.choices(range(len(neg)), k=len(neg)):
            counts[j] += 1
        cum = list(itertools.accumulate(counts, initial=0))
        # each easy issue drawn wins over the others drawn below it, and half of the tied
        wins = math.fsum(cum[lo] + (cum[hi] - cum[lo]) / 2 for lo, hi in
                         rng.choices(spans, k=len(pos)))
        found.append(wins / (len(pos) * len(neg)))
    found.sort()
    return found[int(0.025 * reps)], found[int(0.975 * reps) - 1]


def precision_at(scores: Sequence[float], positive: Sequence[bool], k: int = 10) -> float:
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    return sum(positive[i] for i in order) / max(1, len(order))


@dataclass(frozen=True)
class Row:
    name: str
    n: int
    easy: int
    gpu: int
    auc: float | None
    p10: float
    gpu_recall: float | None
    gpu_precision: float | None
    gpu_auc: float | None
    no_reasons: int
    auc_range: tuple[float, float] | None = None  # auc_interval


def measure(name: str, items: list[Labelled], assessed: list[scoring.Assessment]) -> Row:
    scores = [a.score for a in assessed]
    easy = [x.easy for x in items]
    flagged = [a.needs_gpu for a in assessed]
    truth = [x.needs_gpu for x in items]
    hits = sum(f and t for f, t in zip(flagged, truth, strict=True))
    return Row(name, len(items), sum(easy), sum(truth), auc(scores, easy),
               precision_at(scores, easy),
               hits / sum(truth) if any(truth) else None,
               hits / sum(flagged) if any(flagged) else None,
               auc([a.gpu_score for a in assessed], truth), sum(not a.reasons for a in assessed),
               auc_interval(scores, easy))


def show(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'set':<14}{'n':>5}{'easy':>6}{'gpu':>5}{'AUC':>8}{'P@10':>7}"
          f"{'GPU rec':>9}{'GPU prec':>10}{'GPU AUC':>9}{'no reason':>11}  AUC 95% by chance")

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    for r in rows:
        print(f"  {r.name:<14}{r.n:>5}{r.easy:>6}{r.gpu:>5}{f(r.auc):>8}{r.p10:>7.2f}"
              f"{f(r.gpu_recall):>9}{f(r.gpu_precision):>10}{f(r.gpu_auc):>9}{r.no_reasons:>11}"
              f"  {'-' if r.auc_range is None else '{:.2f}-{:.2f}'.format(*r.auc_range)}")


def measure_where(name: str, items: list[Labelled], assessed: list[scoring.Assessment],
                  keep: Callable[[Labelled], bool]) -> Row:
    """:func:`measure` of the issues ``keep`` keeps, each with its assessment."""
    pairs = [(x, a) for x, a in zip(items, assessed, strict=True) if keep(x)]
    return measure(name, [x for x, _ in pairs], [a for _, a in pairs])


def each_file(items: list[Labelled], assessed: list[scoring.Assessment],
              paths: Sequence[str]) -> list[Row]:
    """A row for the issues read from each of ``paths``."""
    return [measure_where(Path(p).name, items, assessed, lambda x, p=p: x.source == p)
            for p in paths]


def each_kind(items: list[Labelled], assessed: list[scoring.Assessment]) -> list[Row]:
    """A row for the issues of each kind their labels give (bug, question, ...): where the
    ranking goes wrong (the AUC within a kind: easy questions against other questions)."""
    counts = Counter(x.kind for x in items)
    return [measure_where(k or "(none)", items, assessed, lambda x, k=k: x.kind == k)
            for k in sorted(counts, key=lambda k: (-counts[k], k))]


def kinds_found(items: list[Labelled]) -> str:
    """How often the kind scoring finds (bug, question, ...) is the one the labels give, and
    how many of the usage questions it finds: ``--beginner`` leaves those out."""
    labelled = [x for x in items if x.kind]
    if not labelled:
        return "kind found as labelled: no kinds in the labels"
    same = sum(x.features.kind == x.kind for x in labelled)
    asked = sum(x.kind == "question" for x in labelled)
    found = sum(x.kind == "question" and x.features.kind == "question" for x in labelled)
    others = sum(x.kind != "question" and x.features.kind == "question" for x in labelled)
    return (f"kind found as labelled: {same} of {len(labelled)} ({same / len(labelled):.0%});"
            f" called questions: {found} of the {asked} usage questions and {others} of the "
            f"{len(labelled) - asked} other issues (--beginner leaves those out)")


def show_kinds(view: str, items: list[Labelled], assessed: list[scoring.Assessment]) -> None:
    """The table by kind (:func:`each_kind`), the line of :func:`kinds_found`, then the
    ranking ``--beginner`` shows (:func:`report` of the issues scoring does not call usage
    questions: a question is no fix to make; the labelled sets have no comments, so no
    issue is left out as claimed).  The goals are the figures of every issue."""
    show(f"{view}, each kind of issue (as labelled)", each_kind(items, assessed))
    print(f"  {kinds_found(items)}")
    kept = [(x, a) for x, a in zip(items, assessed, strict=True) if x.features.kind != "question"]
    report(f"{view}, as --beginner ranks them (the {len(items) - len(kept)} issues it calls "
           f"usage questions left out)", [x for x, _ in kept], [a for _, a in kept])


def report(title: str, items: list[Labelled], assessed: list[scoring.Assessment]) -> list[Row]:
    rows = [measure("all", items, assessed)]
    rows += [measure_where(repo.rpartition("/")[2], items, assessed,
                           lambda x, repo=repo: x.issue.repo == repo)
             for repo in sorted({x.issue.repo for x in items})]
    show(title, rows)
    return rows


# ----------------------------------------------------------------- fitting

def fit(items: list[Labelled]) -> model.Models:
    return learn.fit_models([(x.issue, x.features) for x in items],
                            [x.easy for x in items], [x.needs_gpu for x in items])


def assess(items: list[Labelled], models: model.Models) -> list[scoring.Assessment]:
    return [scoring.assess(x.issue, x.features, models) for x in items]


def update(items: list[Labelled], models: model.Models) -> model.Models:
    """``models`` updated on these issues (:func:`.learn.update`)."""
    return learn.update([(x.issue, x.features) for x in items], [x.easy for x in items], models,
                        gpu=[x.needs_gpu for x in items])


def held_out(items: list[Labelled], folds: str,
             fitter: Callable[[list[Labelled]], model.Models] | None = None
             ) -> list[scoring.Assessment]:
    """Each issue scored by weights fitted (by ``fitter``, else from scratch) without its
    fold."""
    fitter = fitter or fit
    key: Callable[[int, Labelled], str]
    if folds == "repo":
        key = lambda i, x: x.issue.repo  # noqa: E731
    elif folds == "file":
        key = lambda i, x: x.source  # noqa: E731
    else:
        k = int(folds)
        key = lambda i, x: str(i % k)  # noqa: E731
    groups = sorted({key(i, x) for i, x in enumerate(items)})
    out: list[scoring.Assessment | None] = [None] * len(items)
    for g in groups:
        train = [x for i, x in enumerate(items) if key(i, x) != g]
        models = fitter(train)
        for i, x in enumerate(items):
            if key(i, x) == g:
                out[i] = scoring.assess(x.issue, x.features, models)
    return [a for a in out if a is not None]


def mistakes(items: list[Labelled], assessed: list[scoring.Assessment], n: int) -> None:
    """The worst-ranked easy issues, the best-ranked others, missed and false GPU flags."""
    pairs = list(zip(items, assessed, strict=True))
    print("\nlowest-scored easy issues:")
    for x, a in sorted((p for p in pairs if p[0].easy), key=lambda p: p[1].score)[:n]:
        print(f"  {a.score:.2f} {x.issue.repo.rpartition('/')[2]}#{x.issue.number} "
              f"{x.issue.title[:60]!r}: {'; '.join(a.reasons[:3])}")
    print("highest-scored other issues:")
    for x, a in sorted((p for p in pairs if not p[0].easy), key=lambda p: -p[1].score)[:n]:
        print(f"  {a.score:.2f} {x.issue.repo.rpartition('/')[2]}#{x.issue.number} "
              f"{x.issue.title[:60]!r}: {'; '.join(a.reasons[:3])}")
    print("GPU issues not flagged:")
    for x, a in pairs:
        if x.needs_gpu and not a.needs_gpu:
            print(f"  {x.issue.repo.rpartition('/')[2]}#{x.issue.number} {x.issue.title[:70]!r}")
    print("flagged, but no GPU needed:")
    for x, a in pairs:
        if a.needs_gpu and not x.needs_gpu:
            print(f"  {x.issue.repo.rpartition('/')[2]}#{x.issue.number} {x.issue.title[:60]!r}"
                  f": {'; '.join(r for r in a.reasons if 'GPU' in r or 'CUDA' in r)[:120]}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="ISSUES.jsonl")
    parser.add_argument("--folds", default="repo",
                        help="held-out split: 'repo' (leave one repository out), 'file' "
                             "(leave one file out), a number K (K-fold by issue) or 'none'")
    parser.add_argument("--fit", action="store_true",
                        help=f"fit on all the issues given and write {model.WEIGHTS_PATH.name}")
    parser.add_argument("--update", action="store_true",
                        help="update the shipped easy model (words and signals) on all the "
                             "issues given, each weight pulled back to its shipped one, and write "
                             f"{model.WEIGHTS_PATH.name}; the held-out figures first: each "
                             "fold scored after an update on the others")
    parser.add_argument("--replace", action="store_true",
                        help="with --fit: write the weights even if they are fitted on fewer "
                             "issues than the shipped ones")
    parser.add_argument("--mistakes", type=int, default=0, metavar="N",
                        help="list the N worst mistakes of the held-out scoring (of the "
                             "shipped weights with --folds none)")
    parser.add_argument("--test", nargs="+", default=[], metavar="OTHER.jsonl",
                        help="fit on ISSUES.jsonl and score these with those weights")
    parser.add_argument("--labels", nargs="+", default=[], metavar="LABELS.jsonl",
                        help="labels (repo, number, difficulty, needs_gpu, kind) that replace "
                             "those of the issues they name, e.g. another labeller's")
    args = parser.parse_args(argv)
    given = read_labels(args.labels)
    items = read(args.paths, given)
    print(f"{len(items)} labelled issues from {', '.join(args.paths)}")
    if args.fit and len(items) < (shipped_on := model.load().trained_on) and not args.replace:
        # the texts of most labelled sets live outside the repository: a machine that lacks
        # some would otherwise quietly ship weights that learned from a fraction of them
        print(f"not refitting: {model.WEIGHTS_PATH.name} was fitted on {shipped_on} labelled "
              f"issues, these are {len(items)}; give every labelled set's texts "
              f"(bench/triage_texts.py brings them from GitHub), or --replace",
              file=sys.stderr)
        return 2
    if args.test:
        tested = read(args.test, given)
        scored = assess(tested, fit(items))
        report(f"{len(tested)} issues of {', '.join(args.test)} scored by weights fitted "
               f"on the {len(items)} above only", tested, scored)
        if args.mistakes:
            mistakes(tested, scored, args.mistakes)
        return 0
    if args.update:
        return update_shipped(items, args)
    if args.fit:
        models = fit(items)
        model.save(models)
        print(f"wrote {model.WEIGHTS_PATH}")
    shipped = assess(items, model.load())
    report("shipped weights (weights.json; optimistic on the issues they were fitted on)",
           items, shipped)
    if args.folds == "none":
        show_kinds("shipped weights", items, shipped)
        if args.mistakes:
            mistakes(items, shipped, args.mistakes)
        return 0
    out = held_out(items, args.folds)
    what = {"repo": "leave one repository out", "file": "leave one file out"}.get(
        args.folds, f"{args.folds}-fold")
    rows = report(f"held-out ({what}): the figures for unseen issues", items, out)
    if args.folds == "file":
        show("held-out, each file", each_file(items, out, args.paths))
    show_kinds("held-out", items, out)
    if args.mistakes:
        mistakes(items, out, args.mistakes)
    missed = [r.name for r in rows[1:] if (r.auc or 0) < AUC_GOAL
              or (r.gpu_recall is not None and r.gpu_recall < GPU_RECALL_GOAL)]
    print("\ngoals met (held-out AUC >= 0.85 and GPU recall >= 0.9 per repository)"
          if not missed else f"\ngoals missed for: {', '.join(missed)}")
    return 1 if missed else 0


def update_shipped(items: list[Labelled], args: argparse.Namespace) -> int:
    """--update: the held-out figures of an update beside the shipped weights', then the
    update on every issue given, written."""
    path = model.WEIGHTS_PATH
    shipped = model.load(path)
    if again := sorted(k for x in items if (k := learn.key(x.issue)) in shipped.updated_on):
        print(f"not updating: {path.name} has learned from {len(again)} of these issues "
              f"already ({', '.join(again[:3])}{', ...' if len(again) > 3 else ''}); counted "
              f"again, they would weigh twice: give only new ones", file=sys.stderr)
        return 2
    before = assess(items, shipped)
    report("shipped weights, before the update", items, before)
    if args.folds != "none":
        out = held_out(items, args.folds, lambda train: update(train, shipped))
        report(f"held-out ({args.folds}): each fold scored after an update on the others",
               items, out)
        if args.folds == "file":
            show("shipped, each file", each_file(items, before, args.paths))
            show("updated, each file", each_file(items, out, args.paths))
    model.save(update(items, shipped), path)
    print(f"\nwrote {path}: updated on {len(items)} issues")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
