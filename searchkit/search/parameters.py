"""Every knob of ranking, in one place: BM25F's, the field weights, proximity's and feedback's.

Change a weight here and nowhere else: ``units.py`` applies the field weights and length normalisation,
``bm25f.py`` the saturation and idf, ``rerank.py`` proximity and feedback. The values were chosen by
leave-one-collection-out over every collection in ``../shared/eval`` (``bench/tune.py``; the folds and
the grid are in docs/benchmarks.md); ``bench/effectiveness.py`` measures what a change does.
"""

# BM25F (Robertson & Zaragoza): saturation and length normalisation.
K1, B = 1.2, 0.75

# idf: "rsj", the classic Robertson-Sparck Jones log((N - n + 0.5) / (n + 0.5)), next to nothing for a word
# in half the documents or more (the many common words of a pasted page do not outweigh its rare ones);
# or "lucene", log(1 + (N - n + 0.5) / (n + 0.5)). See bm25f.idf.
IDF = "rsj"

# A field's term frequency is multiplied by its weight before saturation (a title word counts twice, and
# is normalised by the title's length).
FIELD_WEIGHTS = {"text": 1.0, "title": 2.0, "caps": 1.0, "source": 1.0, "speaker": 1.0}

# A concept asked for n times weighs (k3 + 1) n / (k3 + n) with QUERY_K3 = k3 (BM25's query-term
# saturation): a pasted page says its key words again and again, and the 40th time adds less than the
# 2nd; 0 weighs it n.
QUERY_K3 = 8.0

# Ranking documents (--by-doc), idf counts documents rather than passages.
DOC_IDF = True

# Proximity: adjacent query words within PROXIMITY_WINDOW words score as an extra pseudo-term of weight
# PROXIMITY_WEIGHT, for the best PROXIMITY_DEPTH candidates. 0: no proximity boost (it did not help on
# any fold of the tuning).
PROXIMITY_WINDOW, PROXIMITY_WEIGHT, PROXIMITY_DEPTH = 8, 0.0, 100

# Pseudo-relevance feedback (RM3): FEEDBACK_TERMS terms from the top FEEDBACK_DOCS results, the original
# query keeping FEEDBACK_ORIGINAL of the weight, re-scoring the best FEEDBACK_DEPTH; only for queries of
# FEEDBACK_MIN_CONCEPTS concepts or more.
FEEDBACK_DOCS, FEEDBACK_TERMS, FEEDBACK_ORIGINAL, FEEDBACK_DEPTH = 20, 30, 0.5, 1000
FEEDBACK_MIN_CONCEPTS = 3
# Feedback is damped for diffuse results: its share falls in proportion when the clarity of the best
# results (rerank.feedback_share, in nats) is below FEEDBACK_FOCUS; 0 never damps it.
FEEDBACK_FOCUS = 4.0
# With FEEDBACK_LONG, a query of more concepts than FEEDBACK_TERMS gives feedback a share that much smaller.
FEEDBACK_LONG = True

# A fuzzy word (``Huawei~2``): its other forms score at this share of the word as typed, with the typed
# word's idf, so that an exact match outranks a fuzzy one ("Hubei" is rarer than "Huawei").
FUZZY_WEIGHT = 0.25
