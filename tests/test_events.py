"""Event rules (extract.events, roles, modality) and quote speakers (extract.quotes), each on a
sentence written for the test, not taken from the gold articles."""

from __future__ import annotations

from collections.abc import Callable

from frontwatch.records import EventRecord

Extract = Callable[..., object]


def _events(extraction, sub_event_type: str) -> list[EventRecord]:  # type: ignore[no-untyped-def]
    return [e for e in extraction.events if e.sub_event_type == sub_event_type]


def _place_names(events: list[EventRecord]) -> set[str | None]:
    return {e.location.name if e.location else None for e in events}


def test_trigger_inside_actor_name(extract) -> None:  # type: ignore[no-untyped-def]
    """"Israeli warplanes struck": the trigger starts on the head noun of the actor's name."""
    found = _events(extract("Israeli warplanes struck the town of Bint Jbeil on Monday."), "Air/drone strike")
    assert found and found[0].actor1 is not None and found[0].actor1.entity_id == "israel-air-force"


def test_pronoun_in_reported_speech_is_the_source(extract) -> None:  # type: ignore[no-untyped-def]
    """"Hezbollah said it fired rockets at X": "it" is the speaker."""
    result = extract("Hezbollah said it fired rockets at Safed, and that its fighters clashed with Israeli troops "
                     "near the town of Bint Jbeil.")
    shelling = _events(result, "Shelling/artillery/missile attack")
    assert shelling and shelling[0].actor1 is not None and shelling[0].actor1.name == "Hezbollah"
    assert shelling[0].modality == "reported"
    # ", and that ..." opens a new clause: the clash is placed in its own clause
    clashes = _events(result, "Armed clash")
    town = result.with_surface("Bint Jbeil")[0].entity_id
    assert {e.location.entity_id for e in clashes if e.location} == {town}


def test_group_anaphor_takes_the_last_group(extract) -> None:  # type: ignore[no-untyped-def]
    """"The group seized ...": the organisation named in the sentence before."""
    result = extract("JNIM fighters attacked an army post in northern Burkina Faso on Monday. "
                     "The group seized the town of Dori two days later.")
    captures = _events(result, "Non-state actor overtakes territory")
    assert captures and captures[0].location is not None and captures[0].location.name == "Dori"
    assert captures[0].actor1 is not None and captures[0].actor1.side == "jnim"
    assert captures[0].control_change is not None and captures[0].control_change.new_controller == "jnim"


def test_place_as_subject_of_fall(extract) -> None:  # type: ignore[no-untyped-def]
    """"If Kadugli falls": the place is the subject; the event is hypothetical and changes no control."""
    result = extract("The RSF shelled Kadugli again on Sunday. If Kadugli falls, the road to the north is open.")
    captures = _events(result, "Non-state actor overtakes territory")
    assert captures and captures[0].location is not None and captures[0].location.name == "Kadugli"
    assert captures[0].modality == "hypothetical"
    assert captures[0].actor1 is not None and captures[0].actor1.side == "rsf"
    assert captures[0].control_change is None


def test_repelled_attack_has_the_attacker_as_actor1(extract) -> None:  # type: ignore[no-untyped-def]
    """"The army repelled an RSF attack": the attacker acts, the subject defends."""
    result = extract("The Sudanese army said it had repelled an RSF attack on the outskirts of Kosti.")
    clashes = _events(result, "Armed clash")
    assert clashes and clashes[0].actor1 is not None and clashes[0].actor1.side == "rsf"
    assert clashes[0].actor2 is not None and clashes[0].actor2.side == "government"


def test_civilians_leaving_is_displacement(extract) -> None:  # type: ignore[no-untyped-def]
    """"Thousands of residents left the city": civilians moving away are displaced, not withdrawing forces."""
    result = extract("Fighting reached Sennar on Monday. Thousands of residents left the city by road on Tuesday.")
    assert not _events(result, "Non-violent transfer of territory")
    displaced = _events(result, "Other")
    assert displaced and displaced[0].actor1 is not None and displaced[0].actor1.side == "civilian"


def test_toll_of_shelling_is_not_a_second_event(extract) -> None:  # type: ignore[no-untyped-def]
    """"RSF shelling killed at least ten civilians": one shelling event, not also an attack on civilians."""
    result = extract("RSF shelling killed at least ten civilians in Kosti on Friday.")
    assert _events(result, "Shelling/artillery/missile attack")
    assert not _events(result, "Attack")


def test_arson_by_fighters_and_by_a_mob(extract) -> None:  # type: ignore[no-untyped-def]
    """Armed men burning a market destroy property; a mob doing it is mob violence."""
    fighters = extract("RSF fighters set fire to the market in Kosti before leaving.")
    assert _events(fighters, "Looting/property destruction")
    assert not _events(fighters, "Violent demonstration")
    mob = extract("In Nakuru, a mob set fire to a police station on Tuesday.")
    assert _events(mob, "Mob violence")


def test_weapon_compound_is_not_an_attack(extract) -> None:  # type: ignore[no-untyped-def]
    """"missile launchers": a weapon named as an object, not fired."""
    result = extract("Soldiers found missile launchers in a warehouse in Kosti.")
    assert not _events(result, "Shelling/artillery/missile attack")


def test_two_sub_event_types_at_one_place(extract) -> None:  # type: ignore[no-untyped-def]
    """"recaptured X ..., a year after the city fell to Y": two events at X, two control changes."""
    result = extract("The Sudanese army recaptured Sennar on 3 March, a year after the city fell to the RSF "
                     "in June 2024.")
    regained = _events(result, "Government regains territory")
    lost = _events(result, "Non-state actor overtakes territory")
    assert regained and regained[0].location is not None and regained[0].location.name == "Sennar"
    assert lost and lost[0].location is not None and lost[0].location.name == "Sennar"
    assert lost[0].actor1 is not None and lost[0].actor1.side == "rsf"
    assert {e.control_change.new_controller for e in regained + lost if e.control_change} == {"government", "rsf"}


def test_country_gives_way_to_a_town_of_it(extract) -> None:  # type: ignore[no-untyped-def]
    """Strikes "in Yemen, hitting targets near Saada": coded at the most precise place."""
    result = extract("The United States carried out air strikes in Yemen on Friday, hitting targets near Saada.")
    strikes = _events(result, "Air/drone strike")
    town = result.with_surface("Saada")[0].entity_id
    assert strikes and {e.location.entity_id for e in strikes if e.location} == {town}


def test_walked_into_a_town_is_a_capture(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("M23 rebels walked into Butembo on Sunday without a fight.")
    captures = _events(result, "Non-state actor overtakes territory")
    assert captures and captures[0].location is not None and captures[0].location.name == "Butembo"
    assert captures[0].actor1 is not None and captures[0].actor1.side == "opposition"


# ------------------------------------------------------------------ quotes


def test_quote_speaker_after_the_quote(extract) -> None:  # type: ignore[no-untyped-def]
    """'"...," Anna Berg, an analyst, told AFP. "..."': the speaker follows; the next quote runs on."""
    result = extract("\"The front will hold for now,\" Anna Berg, an analyst at the Nordic Defence Institute, "
                     "told AFP. \"Nobody expects a breakthrough before spring.\"")
    speakers = {q.text[:10]: q.speaker.name if q.speaker else None for q in result.quotes}
    assert speakers == {"The front ": "Anna Berg", "Nobody exp": "Anna Berg"}


def test_group_as_speaker(extract) -> None:  # type: ignore[no-untyped-def]
    """A group that is the subject of a verb of saying speaks the quote."""
    result = extract("The RSF described the retreat from Kosti as a \"planned redeployment\" on Monday.")
    assert result.quotes and result.quotes[0].speaker is not None and result.quotes[0].speaker.entity_id == "rsf"


# ------------------------------------------------------------------ rules added by the lead (own sentences)


def test_the_most_specific_protest_type_wins(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Riot police opened fire on demonstrators who stormed the governor's office in Mombasa.")
    types = {e.sub_event_type for e in result.events}
    assert "Excessive force against protesters" in types
    assert "Peaceful protest" not in types


def test_protesters_attacking_is_a_violent_demonstration(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Kampala, hundreds of protesters attacked the offices of the electoral commission.")
    assert _events(result, "Violent demonstration")


def test_a_section_heading_reports_no_event(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Fighting in the north\nGovernment forces shelled Idlib on Monday, residents said.")
    assert all(e.evidence.text != "Fighting in the north" for e in result.events)
    assert _events(result, "Shelling/artillery/missile attack")


def test_negation_passes_to_the_event_it_denies(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Jordanian jets did not take part in the air strikes on Raqqa, officials said.")
    strikes = _events(result, "Air/drone strike")
    assert strikes and all(e.modality == "negated" for e in strikes)
    assert not _events(result, "Armed clash")


def test_a_weapon_noun_beats_the_generic_verb_after_it(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Mortar shells struck a school in Taiz on Sunday, killing two children.")
    assert _events(result, "Shelling/artillery/missile attack")
    assert not _events(result, "Air/drone strike")


def test_a_fronted_locative_places_the_whole_sentence(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Mosul, the security forces arrested four suspects on Friday.")
    arrests = _events(result, "Arrests")
    assert arrests and _place_names(arrests) == {"Mosul"}


def test_a_holding_verb_takes_its_object_as_the_place(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Residents say the RSF now controls Nyala, the capital of South Darfur.")
    held = [e for e in result.events if e.control_change is not None]
    assert held and held[0].location is not None and held[0].location.name == "Nyala"
    assert held[0].control_change.new_controller == "rsf"


def test_places_joined_by_between_are_not_the_location(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The agreement between Sudan and South Sudan was signed on Monday.")
    agreements = _events(result, "Agreement")
    assert agreements and all(e.location is None for e in agreements)


def test_a_colon_starts_the_quoted_clause(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract('The RSF shelled Kosti on Friday. Hana Idris, an analyst at the Nile Forum, told AFP: '
                     '"If Kosti falls, the road to the capital is open."')
    falls = [e for e in _events(result, "Non-state actor overtakes territory") if e.modality == "hypothetical"]
    assert falls and falls[0].actor1 is not None and falls[0].actor1.side == "rsf"


def test_fleeing_the_fighting_is_displacement_not_a_clash(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Thousands of families fled the fighting around Kadugli towards Dilling.")
    assert not _events(result, "Armed clash")


def test_a_named_base_is_kept_as_the_location(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Drones attacked Hmeimim air base overnight, the Russian defence ministry said.")
    located = [e for e in result.events if e.location is not None]
    assert located and located[0].location.entity_id == "sy-base-hmeimim"


def test_side_depends_on_the_theatre(extract) -> None:  # type: ignore[no-untyped-def]
    lebanon = extract("Hezbollah fired rockets at Kiryat Shmona from southern Lebanon, the Lebanese army said. "
                      "Israeli jets struck Nabatieh and Tyre.")
    syria = extract("Hezbollah fighters helped the Syrian army defend Qusayr against the rebels near Homs, "
                    "in western Syria.")
    side = {m.side for m in lebanon.mentions if m.surface == "Hezbollah"}
    assert side == {"hezbollah"}
    assert {m.side for m in syria.mentions if m.surface == "Hezbollah"} == {"government"}


def test_protesters_are_actor1_and_the_police_intervene(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Lagos, police fired tear gas to disperse crowds of students.")
    found = _events(result, "Protest with intervention")
    assert found and found[0].actor1 is not None and found[0].actor1.side == "civilian"


def test_a_participle_clause_takes_the_main_subject(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("M23 fighters entered Uvira on Monday and fought Congolese troops for hours before pulling back.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].actor1 is not None and withdrawals[0].actor1.side != "government"


def test_an_ngo_documenting_deaths_is_not_the_attacker(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The Tigray Human Rights Observatory said drone strikes killed 12 civilians near Mekelle.")
    strikes = _events(result, "Air/drone strike")
    assert strikes and (strikes[0].actor1 is None or strikes[0].actor1.side != "other")


def test_a_place_before_the_noun_names_the_event(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Ukrainian forces struck Melitopol on Monday. Moscow did not comment on the Melitopol strike.")
    evidence = {e.evidence.text for e in _events(result, "Air/drone strike")}
    assert any("Melitopol strike" in text for text in evidence)


def test_the_attack_on_a_place_is_not_reclassified_as_an_air_strike(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The attack on Menaka killed 12 Malian soldiers, security sources said.")
    assert not _events(result, "Air/drone strike")


def test_an_unnamed_besieger_is_the_attacker_fighting_nearby(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Houthi fighters captured two hills near Marib on Monday. In the far north, ISIS militants "
            "seized a village near Mosul. Marib is under siege now.")
    result = extract(text)
    marib = next(m.entity_id for m in result.mentions if m.surface == "Marib")
    sieges = [e for e in _events(result, "Armed clash") if e.location and e.location.entity_id == marib]
    assert sieges and sieges[0].actor1 is not None and sieges[0].actor1.side == "houthis"


def test_an_incident_without_a_place_shares_the_paragraphs_scene(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Militants stormed the army camp in Gao, in northern Mali, on Sunday. They looted the depots "
            "before withdrawing at dusk, residents said.")
    looting = _events(extract(text), "Looting/property destruction")
    assert looting and looting[0].location is not None and looting[0].location.name == "Gao"


def test_a_capital_speaking_for_its_government_is_not_the_scene(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Russian forces said they had captured Toretsk, a claim that Kyiv did not confirm. "
            "Fighting continued on the edge of the town.")
    clashes = _events(extract(text), "Armed clash")
    assert clashes and clashes[0].location is not None and clashes[0].location.name != "Kyiv"


def test_the_region_refers_to_the_last_region_named(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Fano militias attacked federal positions across the Amhara region on Monday. "
            "Drone strikes in the region killed 12 civilians, a rights group said.")
    strikes = _events(extract(text), "Air/drone strike")
    assert strikes and strikes[0].location is not None and "Amhara" in strikes[0].location.name


def test_arrests_without_an_agent_are_made_by_the_state(extract) -> None:  # type: ignore[no-untyped-def]
    arrests = _events(extract("In Kisumu, Kenya, four activists were arrested on Friday."), "Arrests")
    assert arrests and arrests[0].actor1 is not None and arrests[0].actor1.side == "government"


def test_a_party_named_in_a_where_clause_does_the_fighting(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("The RSF shelled Omdurman on Monday. Fighting continued in Bahri, where the Sudanese army is "
            "pushing north.")
    clashes = [e for e in _events(extract(text), "Armed clash") if "Bahri" in e.evidence.text]
    assert clashes and clashes[0].actor1 is not None and clashes[0].actor1.side == "government"


def test_a_noun_subject_of_an_attack_verb_needs_no_place(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The United States said the strikes hit 12 targets overnight, including radar sites.")
    assert _events(result, "Air/drone strike")


def test_a_verb_before_parts_is_not_a_weapon_compound(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Al-Shabaab fighters, who have besieged parts of Baidoa, Somalia, since June, denied the claim.")
    assert _events(result, "Armed clash")


# ------------------------------------------------------------ control changes


def _controls(extraction) -> list[tuple[str, str | None, str | None]]:  # type: ignore[no-untyped-def]
    """(place name, new controller, previous controller) of every control change."""
    names = {e.location.entity_id: e.location.name for e in extraction.events if e.location}
    return [(names.get(e.control_change.place, e.control_change.place), e.control_change.new_controller,
             e.control_change.previous_controller) for e in extraction.events if e.control_change]


def test_the_month_may_is_not_a_modal(extract) -> None:  # type: ignore[no-untyped-def]
    """"captured Kyaukme in May": the month, not "may"; the capture is reported, with its control change."""
    captures = _events(extract("TNLA fighters captured Kyaukme in May, residents said."),
                       "Non-state actor overtakes territory")
    assert captures and captures[0].modality == "reported"
    assert captures[0].control_change is not None and captures[0].control_change.new_controller == "opposition"


def test_an_attempted_capture_changes_no_control(extract) -> None:  # type: ignore[no-untyped-def]
    assert not _controls(extract("Houthi fighters tried to storm Hays on Sunday but were repelled."))


def test_entering_the_outskirts_does_not_take_the_town(extract) -> None:  # type: ignore[no-untyped-def]
    assert not _controls(extract("KIA fighters entered the outskirts of Bhamo on Monday."))


def test_a_town_named_after_including_was_taken(extract) -> None:  # type: ignore[no-untyped-def]
    """"large parts of Yemen, including Sanaa": the part is not all of Yemen, but Sanaa was taken."""
    result = extract("The Houthis seized large parts of Yemen in 2014 and 2015, including Sanaa.")
    assert [(c[0], c[1]) for c in _controls(result)] == [("Sanaa", "houthis")]


def test_still_controls_is_the_status_quo(extract) -> None:  # type: ignore[no-untyped-def]
    """"still controls X" is no change of hands: no territorial event, no control change."""
    held = extract("The SDF still controls Raqqa, a local official said.")
    assert not _controls(held) and not _events(held, "Non-state actor overtakes territory")
    assert [c[1] for c in _controls(extract("The SDF now controls Tabqa."))] == ["sdf"]


def test_a_fronted_region_only_frames_a_capture(extract) -> None:  # type: ignore[no-untyped-def]
    """"In Idlib province, HTS overran the army's main base": the base changed hands, not the province."""
    result = extract("In Idlib province, HTS fighters overran the army's main base in April.")
    assert _events(result, "Non-state actor overtakes territory")
    assert not _controls(result)


def test_pulling_back_after_a_raid_hands_nothing_over(extract) -> None:  # type: ignore[no-untyped-def]
    """A side that never held the town leaves it: the raid is over, the holder is unchanged."""
    result = extract("Houthi fighters raided the town of Hays and fought government troops for hours before "
                     "pulling back.")
    assert _events(result, "Non-violent transfer of territory")
    assert not _controls(result)


def test_a_military_camp_was_held_by_the_state(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("ADF fighters seized the military camp at Oicha on Monday.")
    assert [c[2] for c in _controls(result)] == ["government"]


def test_a_brief_seizure_reverts_when_the_captors_withdraw(extract) -> None:  # type: ignore[no-untyped-def]
    """"seized X ... They withdrew": X goes back to the side it was taken from."""
    result = extract("ADF fighters seized the military camp at Oicha on Monday. They withdrew from the camp "
                     "on Wednesday.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].control_change is not None
    assert withdrawals[0].control_change.new_controller == "government"
    assert withdrawals[0].control_change.previous_controller == "isis"


def test_a_withdrawal_within_a_region_hands_over_no_region(extract) -> None:  # type: ignore[no-untyped-def]
    """"In Gezira state, the army withdrew towards Sennar": it left some place in the state, not the state."""
    result = extract("In Gezira state, the army withdrew towards Sennar on Monday.")
    assert _events(result, "Non-violent transfer of territory")
    assert not _controls(result)


def test_the_holder_is_the_antecedent_of_a_relative_clause(extract) -> None:  # type: ignore[no-untyped-def]
    """"The KIA, which has fought the army ..., now controls X": the KIA holds X, not the army."""
    result = extract("The KIA, which has fought the army in Kachin state since 2011, now controls Bhamo and "
                     "Myitkyina, the group said.")
    assert sorted((c[0], c[1]) for c in _controls(result)) == [("Bhamo", "opposition"), ("Myitkyina", "opposition")]


def test_driving_a_vehicle_expels_no_one(extract) -> None:  # type: ignore[no-untyped-def]
    """"drove a truck into the gate" is no "drove the army from X"."""
    assert not _controls(extract("In Beni, a militant drove a truck packed with explosives into the gate of the "
                                 "army base on Monday."))
    assert [c[1] for c in _controls(extract("ADF fighters drove the army from Oicha on Monday."))] == ["isis"]


def test_a_country_after_in_and_a_compass_word_is_a_place(extract) -> None:  # type: ignore[no-untyped-def]
    """"based in northern Yemen": Yemen locates the fighters; it is not the state seizing the town."""
    result = extract("Houthi fighters, based in northern Yemen, seized Hays on Monday.")
    assert [c[1] for c in _controls(result)] == ["houthis"]


def test_a_capture_named_after_since_the_is_a_given(extract) -> None:  # type: ignore[no-untyped-def]
    """"would be the biggest gain since the capture of X": the earlier capture happened, whatever the mood."""
    result = extract("Fighting continued near Lashio. If confirmed, the fall of Bhamo would be the biggest KIA gain "
                     "since the capture of Myitkyina in 2023.")
    captures = {e.location.name: e for e in _events(result, "Non-state actor overtakes territory") if e.location}
    assert captures["Bhamo"].modality == "hypothetical" and captures["Bhamo"].control_change is None
    assert captures["Myitkyina"].modality == "asserted" and captures["Myitkyina"].control_change is not None


def test_the_backer_of_the_subject_does_not_act(extract) -> None:  # type: ignore[no-untyped-def]
    """"Sudanese troops backed by Eritrean soldiers retook X": the government retakes X."""
    result = extract("Sudanese troops backed by Eritrean soldiers retook Sinja on Monday.")
    assert [c[1] for c in _controls(result)] == ["government"]
    assert _events(result, "Government regains territory")


def test_a_partner_deployed_alongside_does_not_act(extract) -> None:  # type: ignore[no-untyped-def]
    """"Chadian troops, deployed alongside the Sudanese army ..., were pulling back": the Chadians leave."""
    result = extract("Chadian troops, deployed alongside the Sudanese army in Darfur, were pulling back towards "
                     "their border.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].actor1 is not None and withdrawals[0].actor1.side == "foreign"
    assert withdrawals[0].control_change is None


def test_a_law_that_took_effect_took_no_territory(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Mandalay, police detained 30 men on Monday under a curfew that took effect in March.")
    assert _events(result, "Arrests")
    assert not [e for e in result.events if e.sub_event_type in ("Government regains territory",
                                                                "Non-state actor overtakes territory")]
    assert not _controls(result)


def test_a_trigger_word_inside_a_group_name_is_no_event(extract) -> None:  # type: ignore[no-untyped-def]
    """"Ta'ang National Liberation Army fighters clashed ...": a clash, not a liberation of Kyaukme."""
    result = extract("In Kyaukme, Ta'ang National Liberation Army fighters clashed with junta troops on Monday.")
    assert _events(result, "Armed clash")
    assert not _events(result, "Non-state actor overtakes territory")
    assert not _controls(result)


def test_a_long_object_is_located_by_its_closing_place(extract) -> None:  # type: ignore[no-untyped-def]
    """"captured the headquarters of the army's ... Division in the town of X": X changed hands."""
    result = extract("The KIA said on Monday it had captured the headquarters of the army's 21st Light Infantry "
                     "Division in the town of Bhamo.")
    assert [(c[0], c[1]) for c in _controls(result)] == [("Bhamo", "opposition")]


def test_the_month_may_in_a_relative_clause_is_not_a_modal(extract) -> None:  # type: ignore[no-untyped-def]
    """"which the army recaptured in May": the month, not the hypothetical "may"."""
    result = extract("In Maiduguri, which the Nigerian army recaptured in May, soldiers arrested six men on Sunday.")
    arrests = _events(result, "Arrests")
    assert arrests and arrests[0].modality == "asserted"


def test_a_negation_stays_inside_its_clause(extract) -> None:  # type: ignore[no-untyped-def]
    """"X, which is not a party to the conflict, has withdrawn": the relative clause holds the negation."""
    result = extract("The Somali army, which is not a party to the dispute, has withdrawn from Beledweyne.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].modality == "asserted"


def test_no_plans_to_negates_and_is_to_be_plans(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The Turkish army said it had no plans to capture Manbij. "
                     "Its units are to be merged into the Syrian National Army.")
    captures = _events(result, "Non-state actor overtakes territory")
    assert captures and captures[0].modality == "negated"
    merged = _events(result, "Change to group/activity")
    assert merged and merged[0].modality == "planned"


def test_the_main_clause_of_a_conditional_is_hypothetical(extract) -> None:  # type: ignore[no-untyped-def]
    """"If ..., the protests will spread" and "... ready to deploy troops if a truce holds"."""
    # the protest has a place of its own: a bare "the protests" with no place is no event
    result = extract('"If the soldiers keep firing, the protests in Lagos will spread," an organiser said. '
                     "Nigeria is ready to deploy more troops to Maiduguri if a truce is agreed.")
    protests = _events(result, "Peaceful protest")
    assert protests and all(e.modality == "hypothetical" for e in protests)
    deployments = [e for e in _events(result, "Other") if e.plover.type == "MOBILIZE"]
    assert deployments and deployments[0].modality == "hypothetical"


def test_a_trigger_word_inside_a_name_is_no_event(extract) -> None:  # type: ignore[no-untyped-def]
    """"Sudan Liberation Movement": the name of a group, not a liberation of a place."""
    result = extract("Sudan Liberation Movement fighters clashed with the RSF near Tawila on Monday.")
    assert not _events(result, "Non-state actor overtakes territory")
    assert _events(result, "Armed clash")


def test_taking_part_and_taking_effect_are_no_captures(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Wagner fighters took part in the assault on Menaka on Monday. "
                     "In Gao, police detained four men under a curfew that took effect on Sunday.")
    assert not _events(result, "Non-state actor overtakes territory")
    assert not _events(result, "Government regains territory")


def test_a_rally_as_an_audience_is_no_protest(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Abdel Fattah al-Burhan told a rally in Port Sudan that the army would retake Nyala.")
    assert not _events(result, "Peaceful protest")


def test_the_desert_is_not_a_desertion(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("A roadside bomb killed three soldiers in the desert of Anbar on Tuesday.")
    assert not _events(result, "Change to group/activity")
    assert _events(result, "Remote explosive/landmine/IED")


def test_an_ability_to_attack_is_no_attack(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The raids were meant to degrade the militia's ability to attack ships in the Red Sea.")
    assert not _events(result, "Armed clash")


def test_driving_a_car_bomb_into_a_target_is_a_suicide_bombing(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Menaka, an attacker drove a truck packed with explosives into the wall of the army base.")
    assert _events(result, "Suicide bomb")
    assert not _events(result, "Non-state actor overtakes territory")


def test_an_attempt_to_storm_a_place_is_an_attack(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("JNIM fighters tried to storm Boulkessi on Monday.")
    assert _events(result, "Armed clash")
    assert not [e for e in result.events if e.control_change is not None]


def test_entering_the_outskirts_is_fighting_not_a_capture(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("RSF fighters entered the outskirts of Kosti on Monday, residents said.")
    assert _events(result, "Armed clash")
    assert not _events(result, "Non-state actor overtakes territory")


def test_breaking_a_ceasefire_is_no_agreement(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The TNLA, which broke a truce in June, shelled Lashio on Friday.")
    assert not _events(result, "Agreement")
    assert _events(result, "Shelling/artillery/missile attack")


def test_a_weapon_named_for_its_range_is_not_fired(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("With the bridge lost, Sennar lies within range of heavy artillery, residents said.")
    assert not _events(result, "Shelling/artillery/missile attack")


def _plover(events: list[EventRecord], plover_type: str) -> list[EventRecord]:
    return [e for e in events if e.plover.type == plover_type]


def test_talks_are_an_other_event_and_no_talks_negates_them(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The Somali government plans to open negotiations with clan elders in Galkayo. "
                     "No direct talks have been held since March.")
    talks = _plover(_events(result, "Other"), "CONSULT")
    assert len(talks) == 2
    assert talks[0].modality == "planned" and talks[1].modality == "negated"


def test_a_group_setting_up_its_own_government_is_an_other_event(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The Arakan Army has set up a parallel administration in Paletwa, collecting taxes from traders.")
    assert _plover(_events(result, "Other"), "OTHER")


def test_signing_a_charter_is_an_agreement(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The Tigrayan parties plan to sign a political charter with several allied movements "
                     "in Mekelle next week.")
    agreements = _events(result, "Agreement")
    assert agreements and agreements[0].modality == "planned"


def test_switching_allegiance_is_a_change_to_group(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The Hamza Division, which switched allegiance to the Syrian National Army in 2019, holds Afrin.")
    assert _events(result, "Change to group/activity")


def test_ending_a_military_mission_is_a_withdrawal(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("France confirmed that its army will end its military mission in Niger by December.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].modality == "planned"


def test_breaking_through_police_lines_is_a_violent_demonstration(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Dhaka, a crowd of students broke through police lines outside the election commission.")
    assert _events(result, "Violent demonstration")


def test_an_evacuation_order_is_an_other_event_of_who_orders_it(extract) -> None:  # type: ignore[no-untyped-def]
    """The order's actor is who gives it; "evacuate parts of X" is a verb and its object, not a compound."""
    result = extract("The Sudanese army ordered residents to evacuate parts of Omdurman on Sunday.")
    orders = _plover(_events(result, "Other"), "COERCE")
    assert orders and orders[0].actor1 is not None and orders[0].actor1.side == "government"
    assert _place_names(orders) == {"Omdurman"}


def test_people_being_evacuated_is_no_withdrawal(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Rioters set fire to the town hall in Dhaka as officials were evacuated through a back door.")
    assert not _events(result, "Non-violent transfer of territory")


def test_a_protest_named_by_its_own_noun_survives_a_violent_one(extract) -> None:  # type: ignore[no-untyped-def]
    """"Police fired on demonstrators who stormed X, as rallies spread to other towns": two protests."""
    result = extract("In Dhaka, police opened fire on demonstrators who stormed the election commission, "
                     "as rallies against the vote spread to a dozen other towns.")
    assert _events(result, "Excessive force against protesters")
    assert _events(result, "Peaceful protest")


def test_a_crowd_as_a_target_is_no_protest(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The army has been deployed against demonstrators in Colombo for the first time.")
    assert not _events(result, "Peaceful protest")


def test_a_protest_noun_as_a_modifier_is_no_protest(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Police in Colombo questioned three rally organisers about their funding.")
    assert not _events(result, "Peaceful protest")


def test_the_abduction_as_an_object_refers_back(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Gunmen kidnapped two engineers near Zinder on Monday. "
                     "No group has said it was behind the kidnapping.")
    assert len(_events(result, "Abduction/forced disappearance")) == 1


def test_the_protests_as_a_subject_are_predicated_anew(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Students marched through Colombo on Monday. Organisers said that after the arrests, "
                     "the protests will spread.")
    assert len(_events(result, "Peaceful protest")) == 2


def test_an_attack_verb_on_a_concrete_target_shares_the_scene(extract) -> None:  # type: ignore[no-untyped-def]
    """"It struck a command post inside the base": an attack on a thing, at the paragraph's scene."""
    result = extract("Turkish drones struck a convoy near Qamishli on Monday. "
                     "The Turkish army said it also hit several vehicles there.")
    strikes = _events(result, "Air/drone strike")
    town = result.with_surface("Qamishli")[0].entity_id
    assert len(strikes) == 2 and {e.location.entity_id if e.location else None for e in strikes} == {town}


def test_an_alternative_or_an_anticipated_deal_is_no_agreement(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Khartoum will have to choose between a truce and a longer war. "
                     "The RSF wants to hold Nyala before any deal.")
    assert not _events(result, "Agreement")


def test_staying_out_of_a_brokered_round_negates_the_talks(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("The junta did not take part in the Chinese-brokered round in Kunming in May.")
    talks = _plover(_events(result, "Other"), "CONSULT")
    assert talks and talks[0].modality == "negated"
    assert not _events(result, "Armed clash")


def test_one_incident_read_twice_keeps_the_placed_reading(extract) -> None:  # type: ignore[no-untyped-def]
    """"They repelled an attack by X on a checkpoint near Y": one clash, at Y."""
    result = extract("Kurdish forces said they repelled an attack by ISIS on one of their posts near Hasakah.")
    clashes = _events(result, "Armed clash")
    assert len(clashes) == 1 and clashes[0].location is not None


def test_requests_have_no_place(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Sidon, Mikati called on the allies to send more air defence systems.")
    requests = _plover(_events(result, "Other"), "REQUEST")
    assert requests and all(e.location is None for e in requests)


def test_reporting_on_the_attack_refers_back(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Boko Haram fighters attacked Monguno on Monday. In Maiduguri, police detained a blogger "
                     "who had commented on the attack.")
    assert len(_events(result, "Armed clash")) == 1


def test_a_source_after_a_semicolon_reports_only_its_own_clause(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("In Menaka, gunmen tried to storm the army camp; the army said all of them were killed.")
    clashes = _events(result, "Armed clash")
    assert clashes and clashes[0].modality == "asserted"


def test_a_deployment_in_an_appositive_is_background(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Kenyan troops, deployed in Somalia under an African Union mandate, withdrew from Kismayo.")
    assert not [e for e in result.events if e.plover.type == "MOBILIZE"]
    assert _events(result, "Non-violent transfer of territory")


def test_the_party_organising_a_protest_is_its_actor(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Students marched in Mekelle on Monday. The TPLF said it had not organised the protests.")
    protests = _events(result, "Peaceful protest")
    assert len(protests) == 2 and protests[1].modality == "negated"
    assert protests[1].actor1 is not None and protests[1].actor1.side == "opposition"


def test_an_armed_party_leaving_needs_no_object(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Officials in Mogadishu fear that if the African Union force leaves, al-Shabaab will return.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].modality == "hypothetical"


def test_armed_men_killed_by_troops_is_a_clash(extract) -> None:  # type: ignore[no-untyped-def]
    """A pattern trigger with a gap: "killed <several> <gunmen>"; after an air strike it is the strike's toll."""
    result = extract("In Beledweyne, Somali troops killed at least twelve militants near the river on Monday.")
    assert _events(result, "Armed clash")
    result = extract("Somali jets carried out air strikes on camps near Jilib, which killed four militants.")
    assert _events(result, "Air/drone strike") and not _events(result, "Armed clash")


def test_a_trigger_pattern_matches_whole_words_only(kb) -> None:  # type: ignore[no-untyped-def]
    from frontwatch.extract.lexicon import find_triggers, load_lexicon

    lexicon = load_lexicon()
    assert [h.group() for h in find_triggers(lexicon, "They KILLED several gunmen.")] == ["KILLED several gunmen"]
    assert not [h for h in find_triggers(lexicon, "Overkilled several gunmen.") if h.spec is not None]


def test_an_inverted_reporting_clause_at_the_end_attributes_the_sentence(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Russian troops shelled Nikopol overnight, killing two men, informed the regional administration.")
    shelling = _events(result, "Shelling/artillery/missile attack")
    assert shelling and shelling[0].modality == "reported"
    assert shelling[0].attribution is not None and shelling[0].attribution.source == "regional administration"


def test_a_source_with_an_apposition_is_not_an_actor_of_the_event(extract) -> None:  # type: ignore[no-untyped-def]
    """"X, a Tuareg alliance, said a Malian army drone strike killed ...": the army struck, X reports it."""
    result = extract("The Kachin Independence Army, an ethnic armed group, said a Myanmar army air strike "
                     "killed nine civilians in Laiza on Monday.")
    strikes = _events(result, "Air/drone strike")
    assert strikes and strikes[0].actor1 is not None and strikes[0].actor1.side == "government"
    assert strikes[0].attribution is not None and strikes[0].attribution.source.startswith("Kachin")


def test_a_verb_that_is_also_a_noun_needs_a_place_as_a_verb(extract) -> None:  # type: ignore[no-untyped-def]
    """"as rebels advance and donors hesitate": no place, no event; "the rebel advance, led by X": the noun."""
    result = extract("Aid agencies are worried as insurgents advance and donors hesitate.")
    assert not _events(result, "Armed clash")
    result = extract("The insurgent advance, led by the TPLF, has alarmed Addis Ababa.")
    assert _events(result, "Armed clash")


def test_an_attack_made_with_a_weapon_is_typed_by_the_weapon(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("On Sunday al-Shabaab attacked the army base in Beledweyne with a suicide car bomb.")
    assert _events(result, "Suicide bomb")
    assert not _events(result, "Armed clash") and not _events(result, "Air/drone strike")


def test_an_unplaced_incident_happens_where_the_sentence_places_another(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Government soldiers looted shops and burned cars as they pulled out of Gao on Monday.")
    looting = _events(result, "Looting/property destruction")
    town = result.with_surface("Gao")[0].entity_id
    assert looting and looting[0].location is not None and looting[0].location.entity_id == town


def test_a_consequence_clause_happens_where_its_cause_did(extract) -> None:  # type: ignore[no-untyped-def]
    """"seized the airport, west of the city, forcing thousands to flee": people fled the airport's area."""
    result = extract("Rebels shelled Hama on Monday. On Tuesday they seized Hama Military Airport, west of the city, "
                     "forcing 5,000 people to flee.")
    flights = _events(result, "Other")
    assert flights and flights[-1].location is not None and flights[-1].location.name == "Hama Military Airport"


def test_a_coordinated_consequence_happens_where_its_cause_did(extract) -> None:  # type: ignore[no-untyped-def]
    result = extract("Sudanese air strikes on Darfur have killed 300 people since May, according to local monitors, "
                     "and forced 50,000 people from their homes.")
    strikes, flights = _events(result, "Air/drone strike"), _events(result, "Other")
    assert strikes and strikes[0].location is not None and flights and flights[0].location == strikes[0].location


def test_a_general_denial_has_no_scene(extract) -> None:  # type: ignore[no-untyped-def]
    """"X denies targeting civilians" is about no one place; "X denied the killings" about the one told."""
    text = "Militiamen massacred nine villagers near Bunia on Monday, witnesses said. "
    general = extract(text + "The militia denies targeting civilians.")
    denials = [e for e in _events(general, "Attack") if e.modality == "negated"]
    assert denials and denials[0].location is None
    specific = extract(text + "The militia denied the killings.")
    denials = [e for e in _events(specific, "Attack") if e.modality == "negated"]
    assert denials and denials[0].location is not None


# ---------------------------------------------------------------- places and actor roles of events


def _sides(events: list[EventRecord]) -> dict[str | None, str | None]:
    return {e.location.name if e.location else None: e.actor1.side if e.actor1 else None for e in events}


def test_a_country_after_a_direction_adjective_is_a_place(extract) -> None:  # type: ignore[no-untyped-def]
    """"near Diffa, in southern Niger, ... attacked X": Niger is where, not who attacks."""
    text = ("Islamic State fighters ambushed a patrol near Diffa, in southern Niger, on Monday, and attacked "
            "the army post at Bosso on Tuesday.")
    clashes = _events(extract(text), "Armed clash")
    assert _sides(clashes) == {"Diffa": "isis", "Bosso": "isis"}


def test_coordinated_countries_share_the_preposition(extract) -> None:  # type: ignore[no-untyped-def]
    """"attacks in Niger and Chad": both countries are places (two events), neither is a party."""
    clashes = _events(extract("Islamic State fighters carried out a wave of attacks in Niger and Chad last week."),
                      "Armed clash")
    assert _sides(clashes) == {"Niger": "isis", "Chad": "isis"}


def test_people_from_a_country_act_for_it(extract) -> None:  # type: ignore[no-untyped-def]
    """"Troops from Chad", "officials from Qatar and Turkey": the state acts through its people."""
    clashes = _events(extract("Troops from Chad have joined the fighting near Zalingei, west of Nyala."),
                      "Armed clash")
    assert clashes and clashes[0].actor1 is not None and clashes[0].actor1.name.startswith("Chad")
    requests = _events(extract("Officials from Qatar and Turkey have urged the RSF to leave El Obeid."), "Other")
    assert requests and requests[0].actor1 is not None and requests[0].actor1.side == "foreign"


def test_a_backer_is_not_the_actor(extract) -> None:  # type: ignore[no-untyped-def]
    """"Iraqi troops backed by coalition aircraft retook X": the troops act, not their backer."""
    retaken = [e for e in extract("Iraqi troops backed by US-led coalition aircraft retook Sinjar from Islamic "
                                  "State militants on Monday.").events if e.actor1 is not None]
    assert retaken and {e.actor1.name for e in retaken if e.actor1} == {"Iraqi Armed Forces"}


def test_a_mediator_is_not_a_party(extract) -> None:  # type: ignore[no-untyped-def]
    agreements = _events(extract("A truce brokered by Qatar in March has collapsed."), "Agreement")
    assert agreements and agreements[0].actor1 is None


def test_a_partner_in_an_alongside_phrase_is_not_the_subject(extract) -> None:  # type: ignore[no-untyped-def]
    """"Ugandan troops, deployed alongside the Congolese army (FARDC) in Ituri, were pulling back"."""
    text = ("Ugandan troops, deployed alongside the Congolese army (FARDC) in Ituri, were pulling back towards "
            "the border on Monday.")
    withdrawals = _events(extract(text), "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].actor1 is not None and withdrawals[0].actor1.side == "foreign"


def test_an_apposition_describes_the_name_before_it(extract) -> None:  # type: ignore[no-untyped-def]
    """"X, a former RSF unit that defected to the army": X defected; the former affiliation is not the actor."""
    text = ("Heavy fighting was reported in North Darfur. Sudan Shield Forces, a former RSF unit that defected "
            "to the army in 2024, clashed with RSF fighters near Mellit.")
    defections = _events(extract(text), "Change to group/activity")
    assert defections and defections[0].actor1 is not None and defections[0].actor1.side == "government"


def test_the_enemy_in_a_partys_statement_is_the_other_side(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Near Toretsk the enemy continues its offensive towards Kostiantynivka, where fighting is going on, "
            "informed the General Staff of the Armed Forces of Ukraine. Russian forces also shelled Kramatorsk "
            "overnight.")
    clashes = _events(extract(text), "Armed clash")
    assert clashes and clashes[0].actor1 is not None and clashes[0].actor1.side == "foreign"


def test_a_where_clause_ends_at_its_comma(extract) -> None:  # type: ignore[no-untyped-def]
    """"Fighting raged around X, where ..., informed the General Staff": the reporter is not a party
    named inside the where-clause."""
    text = ("Fighting raged around Toretsk, where street battles are going on, informed the General Staff of the "
            "Armed Forces of Ukraine.")
    clashes = _events(extract(text), "Armed clash")
    assert clashes and clashes[0].actor1 is None


def test_people_forced_to_flee_leave_the_place_of_the_cause(extract) -> None:  # type: ignore[no-untyped-def]
    text = "RSF fighters stormed Mellit, east of Kutum, on Monday, forcing some 20,000 people to flee."
    assert _place_names(_events(extract(text), "Other")) == {"Mellit"}


def test_displacement_is_placed_where_people_fled_from(extract) -> None:  # type: ignore[no-untyped-def]
    """"fled west towards Kosti", "left the city by bus for Kosti": Kosti is the destination."""
    fled = extract("The RSF shelled Sennar on Monday. Thousands of residents fled west towards Kosti on Tuesday.")
    assert _place_names(_events(fled, "Other")) == {"Sennar"}
    left = extract("Fighting reached Sennar on Monday. Thousands of residents have left the city by bus for Kosti.")
    assert _place_names(_events(left, "Other")) == {"Sennar"}


def test_each_coordinated_object_brings_its_place(extract) -> None:  # type: ignore[no-untyped-def]
    """One event per place of a coordinated object: "at A and at an army base near B", "12 drones
    over A and 3 over B", "in A province and the capital B", "X on the edge of the city and a bakery
    in the city centre"."""
    shelling = _events(extract("The RSF fired rockets at Kosti and at an army base near Rabak on Sunday."),
                       "Shelling/artillery/missile attack")
    assert _place_names(shelling) == {"Kosti", "Rabak"}
    downed = _events(extract("The Sudanese army said it shot down 12 drones over Atbara and 3 over Shendi."),
                     "Disrupted weapons use")
    assert _place_names(downed) == {"Atbara", "Shendi"}
    strikes = _events(extract("Israeli jets struck weapons depots in Homs province and the capital Damascus "
                              "overnight."), "Air/drone strike")
    assert "Damascus" in _place_names(strikes) and len(strikes) == 2
    text = ("Government forces shelled Aleppo on Monday. Shells hit Sheikh Maqsoud on the edge of the city and "
            "a bakery in the city centre, medics said.")
    second = [e for e in _events(extract(text), "Shelling/artillery/missile attack") if "bakery" in e.evidence.text]
    assert _place_names(second) == {"Sheikh Maqsoud", "Aleppo"}


def test_a_demonym_before_the_weapon_names_who_fires(extract) -> None:  # type: ignore[no-untyped-def]
    """"Israeli tank fire hit a school": the Israeli forces fire, not the side that fired last."""
    text = "Hamas fired rockets at Sderot on Sunday. Medics said Israeli tank fire hit a school in Jabalia on Monday."
    shelling = [e for e in _events(extract(text), "Shelling/artillery/missile attack") if "Jabalia" in e.evidence.text]
    assert shelling and shelling[0].actor1 is not None and shelling[0].actor1.entity_id == "idf"


def test_an_unnamed_interceptor(extract) -> None:  # type: ignore[no-untyped-def]
    """A passive interception is not done by the subject of the main clause: the speaker intercepts
    ("..., most of which were intercepted, the army said"), else the air defence of the place's state;
    drones launched at a city whose air defence destroys them come from the other side."""
    passive = extract("The RSF fired drones at Port Sudan overnight, most of which were intercepted, the Sudanese "
                      "army said.")
    downed = _events(passive, "Disrupted weapons use")
    assert downed and downed[0].actor1 is not None and downed[0].actor1.side == "government"
    text = ("Russian troops shelled Dnipro in eastern Ukraine on Monday. In Odesa, air defence destroyed all six "
            "drones launched at the port, the regional governor said.")
    result = extract(text)
    downed = _events(result, "Disrupted weapons use")
    assert downed and downed[0].actor1 is not None and downed[0].actor1.side == "government"
    launched = _events(result, "Air/drone strike")
    assert launched and launched[0].actor1 is not None and launched[0].actor1.side == "foreign"


def test_a_launch_site_is_not_where_a_strike_lands(extract) -> None:  # type: ignore[no-untyped-def]
    shelling = _events(extract("The Houthis shelled ships from Yemen overnight, the navy said."),
                       "Shelling/artillery/missile attack")
    assert shelling and shelling[0].location is None


def test_a_conditional_clause_has_its_own_roles(extract) -> None:  # type: ignore[no-untyped-def]
    """"ready to deploy troops to X if a ceasefire is reached": the ceasefire is not placed in X;
    "... will not accept a truce while the town is under siege": the besieger, not the speaker, besieges."""
    result = extract("Kenya's president said the country was ready to deploy more troops to Mogadishu if a ceasefire "
                     "is reached.")
    agreements = _events(result, "Agreement")
    assert agreements and agreements[0].location is None
    text = ("RSF fighters shelled Babanusa on Monday. The RSF did not respond, and the army has said it will not "
            "accept a truce while the town is under siege.")
    result = extract(text)
    siege = [e for e in _events(result, "Armed clash") if "siege" in e.evidence.text]
    assert siege and siege[0].actor1 is not None and siege[0].actor1.side == "rsf"
    assert siege[0].modality != "negated"


def test_a_pronoun_after_a_reporting_verb_is_the_speaker(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("RSF fighters shelled Babanusa on Monday. The RSF did not respond, and the army has said it will not "
            "accept a truce while the town is under siege.")
    truce = _events(extract(text), "Agreement")
    assert truce and truce[0].actor1 is not None and truce[0].actor1.side == "government"


def test_a_spokespersons_employer_speaks_and_does_not_fight(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("RSF fighters stormed Babanusa on Monday. Ali Hassan, a spokesman for the Sudanese army, said fighting "
            "was continuing on the edge of the town.")
    clashes = [e for e in _events(extract(text), "Armed clash") if "spokesman" in e.evidence.text]
    assert clashes and clashes[0].actor1 is not None and clashes[0].actor1.side == "rsf"


def test_who_comments_on_an_attack_did_not_carry_it_out(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Israeli jets struck a depot near Homs overnight. The Syrian government did not comment on the Homs strike."
    strikes = [e for e in _events(extract(text), "Air/drone strike") if "comment" in e.evidence.text]
    assert strikes and strikes[0].actor1 is not None and strikes[0].actor1.name == "Israeli Air Force"


def test_a_where_clause_is_placed_at_its_antecedent(extract) -> None:  # type: ignore[no-untyped-def]
    """", where the RSF is still on the offensive": a clause of its own (the main clause's negation does not
    reach it), placed where its antecedent is; its pronoun is the main clause's subject."""
    text = "The army's victory does not change the picture in Kordofan, where the RSF is still on the offensive."
    clashes = _events(extract(text), "Armed clash")
    assert clashes and clashes[0].modality != "negated" and _place_names(clashes) == {"Kordofan"}
    looting = _events(extract("The RSF holds Nyala, where its fighters looted the central market last week."),
                      "Looting/property destruction")
    assert _sides(looting) == {"Nyala": "rsf"}


def test_a_pronoun_refers_to_the_subject_of_its_sentence(extract) -> None:  # type: ignore[no-untyped-def]
    """"The RSF has held X since June, when it overran ...": "it" is the RSF, not the group of the sentence before."""
    text = ("Sudanese army jets bombed Nyala on Monday. The RSF has held Babanusa since June, when it overran the base "
            "of the 22nd Division near Muglad.")
    overrun = [e for e in extract(text).events if e.location is not None and e.location.name == "Al Mijlad"]
    assert overrun and overrun[0].actor1 is not None and overrun[0].actor1.side == "rsf"


def test_a_long_object_may_end_in_the_events_place(extract) -> None:  # type: ignore[no-untyped-def]
    """"seized the headquarters of the army's 22nd Infantry Division in the town of X": the locative at the end
    of a long object places the event; names and bracketed aliases in the gap count as one word / no clause."""
    text = ("The RSF said on Monday it had seized the headquarters of the army's 22nd Infantry Division in the town "
            "of Babanusa.")
    assert _place_names(_events(extract(text), "Non-state actor overtakes territory")) == {"Babanūsah"}
    text = ("Fighting between the Sudanese Armed Forces (SAF) and the Rapid Support Forces (RSF) intensified across "
            "North Darfur in May.")
    clashes = _events(extract(text), "Armed clash")
    assert clashes and clashes[0].location is not None and clashes[0].location.entity_id == "sd-north-darfur"


def test_the_side_trying_to_advance_attacks(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Sudanese army units clashed with RSF fighters trying to advance near the town of Kosti on Sunday."
    assert _sides(_events(extract(text), "Armed clash")) == {"Kosti": "rsf"}


def test_a_source_phrase_holding_the_trigger_is_the_event(extract) -> None:  # type: ignore[no-untyped-def]
    """"according to the agreements between the RSF and the Joint Force": not a source, the parties of the event."""
    text = ("The army retook the villages around Kadugli, according to the agreements between the RSF and the Joint "
            "Force.")
    agreements = _events(extract(text), "Agreement")
    assert agreements and agreements[0].actor1 is not None and agreements[0].actor1.side == "rsf"


def test_a_passive_names_its_agent_further_on(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("Kenyan police fired tear gas in Nakuru. Activists said three student leaders had been abducted in the "
            "days before the rally by men believed to be police officers.")
    abductions = _events(extract(text), "Abduction/forced disappearance")
    assert abductions and abductions[0].actor1 is not None and abductions[0].actor1.side == "government"


def test_the_capital_is_the_capital_of_the_country_in_discourse(extract) -> None:  # type: ignore[no-untyped-def]
    """"marched through the capital's business district" after a Ugandan town: Kampala; a capital that is
    the destination of a withdrawal ("withdrawn towards X to ensure the defence of the capital") is not its place."""
    text = ("Police fired tear gas in Gulu on Monday. Thousands of students had marched through the capital's "
            "business district on Tuesday, chanting slogans.")
    marches = [e for e in _events(extract(text), "Peaceful protest") if "marched" in e.evidence.text]
    assert _place_names(marches) == {"Kampala"}
    text = ("The RSF overran El Obeid on Monday. The army has withdrawn towards Khartoum to ensure the defence of the "
            "capital.")
    withdrawals = _events(extract(text), "Non-violent transfer of territory")
    assert _place_names(withdrawals) == {"El Obeid"}


def test_a_country_left_is_the_place_of_a_withdrawal(extract) -> None:  # type: ignore[no-untyped-def]
    withdrawals = _events(extract("The Africa Corps announced on Friday that it was leaving Niger after two years."),
                          "Non-violent transfer of territory")
    assert _place_names(withdrawals) == {"Niger"}


def test_a_fronted_region_gives_way_to_its_town(extract) -> None:  # type: ignore[no-untyped-def]
    """"In North Darfur, the RSF has held Mellit since May, when it overran the garrison": Mellit, not the state."""
    result = extract("In North Darfur, the RSF has held Mellit since May, when it overran the army's garrison.")
    assert _place_names(_events(result, "Non-state actor overtakes territory")) == {"Mellit"}


def test_a_fronted_place_beats_countries_after_the_verb(extract) -> None:  # type: ignore[no-untyped-def]
    """"In Bamako, protesters attacked the embassies of France and Ukraine": the embassies are in Bamako."""
    result = extract("In Bamako, hundreds of protesters attacked the embassies of France and Ukraine on Friday.")
    assert _place_names(_events(result, "Violent demonstration")) == {"Bamako"}


def test_an_incident_happens_at_its_sentences_only_place(extract) -> None:  # type: ignore[no-untyped-def]
    looting = _events(extract("Sudanese soldiers looted shops and fired into the air as they left Sennar on "
                              "Friday, residents said."), "Looting/property destruction")
    assert _place_names(looting) == {"Sennar"}
    force = _events(extract("Police opened fire on protesters who stormed the governor's office in Kisumu on Monday, "
                            "killing two."), "Excessive force against protesters")
    assert _place_names(force) == {"Kisumu"}


def test_the_region_is_the_place_called_a_region(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("RSF attacks spread across the Darfur region on Monday. A drone strike near Mellit in North Darfur killed "
            "six civilians on Tuesday. Rights groups have documented 40 deaths from drone strikes in the region since "
            "July.")
    strikes = [e for e in _events(extract(text), "Air/drone strike") if "Rights" in e.evidence.text]
    assert strikes and strikes[0].location is not None and strikes[0].location.entity_id == "sd-darfur"


def test_the_airport_is_part_of_the_town_in_discourse(extract) -> None:  # type: ignore[no-untyped-def]
    text = ("RSF fighters shelled Babanusa on Monday. An RSF commander said his fighters had taken positions near the "
            "airport.")
    clashes = _events(extract(text), "Armed clash")
    assert _place_names(clashes) == {"Babanūsah"}


def test_requests_have_no_place_and_an_international_body_requests(extract) -> None:  # type: ignore[no-untyped-def]
    """Requests and refusals are placed nowhere (tests/gold/README.md); a body like the ICRC is their actor."""
    requests = _events(extract("The ICRC has urged the RSF and the army to open a corridor out of Kadugli."), "Other")
    assert requests and requests[0].location is None
    assert requests[0].actor1 is not None and requests[0].actor1.side == "other"


def test_a_capitals_possessive_stands_for_its_state(extract) -> None:  # type: ignore[no-untyped-def]
    text = "Sudanese army jets bombed Nyala on Monday. Officials said Khartoum's aim is to retake the whole of Darfur."
    retaken = _events(extract(text), "Government regains territory")
    assert retaken and retaken[0].actor1 is not None and retaken[0].actor1.side == "government"
    assert _place_names(retaken) == {"Darfur"}


def test_an_unclaimed_bombing_and_its_sequel(extract) -> None:  # type: ignore[no-untyped-def]
    """Soldiers "were killed" are victims, not bombers; the bombing is laid to the armed group the sentence
    names; "after which ... opened fire" happens at the bombing's scene."""
    text = ("Four soldiers of the Iraqi army were killed when a roadside bomb exploded under their truck near Samarra, "
            "after which Islamic State fighters opened fire on the convoy, the army said.")
    result = extract(text)
    bombs = _events(result, "Remote explosive/landmine/IED")
    assert bombs and bombs[0].actor1 is not None and bombs[0].actor1.side == "isis"
    clashes = _events(result, "Armed clash")
    assert clashes and bombs[0].location is not None and _place_names(clashes) == {bombs[0].location.name}
    text = ("Islamic State fighters attacked an army post near Tikrit on Sunday. In Nineveh province, a suicide bomber "
            "blew himself up at a checkpoint near Sinjar, police said.")
    bombs = _events(extract(text), "Suicide bomb")
    assert bombs and bombs[0].actor1 is not None and bombs[0].actor1.side == "isis"


def test_the_assailants_of_the_attack_just_told_attack(extract) -> None:  # type: ignore[no-untyped-def]
    """"the army had "neutralised" the attackers": the attackers of the raid just reported are actor1 (the
    attacker of the battle), the army defends, at the raid's scene."""
    text = ("RSF fighters stormed the town of Mellit at dawn, killing dozens of soldiers. The governor did not comment "
            'on the raid, while state media said the army had "neutralised" the attackers.')
    clashes = [e for e in _events(extract(text), "Armed clash") if "neutralised" in e.evidence.text]
    assert _sides(clashes) == {"Mellit": "rsf"}
    assert clashes[0].actor2 is not None and clashes[0].actor2.side == "government"


def test_a_place_referred_back_to_places_a_weak_verb(extract) -> None:  # type: ignore[no-untyped-def]
    """"..., and struck several buildings there", "struck a command centre inside the compound": a weak verb
    ("struck") placed by "there" or a site named before is an event at that place."""
    text = ("Russian forces ordered residents to leave parts of the southern city of Mykolaiv, and struck several "
            "buildings there hours later.")
    assert _place_names(_events(extract(text), "Air/drone strike")) == {"Mykolayiv"}
    text = ("Israeli air strikes on a school in Deir al-Balah killed nine people on Monday. The Israeli military said "
            "it struck a Hamas command centre inside the compound.")
    strikes = [e for e in _events(extract(text), "Air/drone strike") if "compound" in e.evidence.text]
    assert _place_names(strikes) == {"Dayr al Balaḩ"}


def test_a_fronted_condition_makes_its_main_clause_hypothetical(extract) -> None:  # type: ignore[no-untyped-def]
    """"If the RSF takes Kosti, the army will withdraw from Rabak": both events are conditional; each keeps
    its own roles (the RSF takes Kosti, the army withdraws from Rabak)."""
    result = extract("If the RSF takes Kosti, the army will withdraw from Rabak.")
    withdrawals = _events(result, "Non-violent transfer of territory")
    assert withdrawals and withdrawals[0].modality == "hypothetical"
    assert _sides(withdrawals) == {"Rabak": "government"}
    assert _sides(_events(result, "Non-state actor overtakes territory")) == {"Kosti": "rsf"}


def test_a_glued_sentence_borrows_the_source_of_the_sentences_before(extract) -> None:  # type: ignore[no-untyped-def]
    """A sentence glued to the one before (no full stop between them) shares its source, across a glued
    sentence without an event; a sentence after a full stop does not."""
    glued = extract("A local official told reporters that the convoy reached the bridgeThe roads were empty"
                    "Rebels captured Kadugli on Tuesday.")
    [capture] = _events(glued, "Non-state actor overtakes territory")
    assert capture.attribution is not None and capture.attribution.source == "local official"
    assert capture.modality == "reported"
    apart = extract("A local official told reporters that the convoy reached the bridge. The roads were empty"
                    "Rebels captured Kadugli on Tuesday.")
    [capture] = _events(apart, "Non-state actor overtakes territory")
    assert capture.attribution is None and capture.modality == "asserted"
