import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './schema.js';
import {
  CefrLevelSchema,
  CityIdSchema,
  CommunicationMethodSchema,
  DailyMinutesSchema,
  ExpectationSchema,
  GenderSchema,
  LanguageCodeSchema,
  LearningStyleSchema,
  MotivationSchema,
  PartnerGenderSchema,
  PartnerStyleSchema,
  SLOTS_PER_DAY,
  TopicSchema,
} from './catalog.js';

export const ONBOARDING_STEPS = ['basic', 'languages', 'interests', 'partner', 'schedule'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

export const BasicInfo = Type.Object(
  {
    englishName: Type.String({
      minLength: 2,
      maxLength: 50,
      pattern: '^[A-Za-z]+( [A-Za-z]+)*$',
      description: 'Latin letters and single spaces',
    }),
    cityId: CityIdSchema,
    /** An IANA time zone, when it is not the city's (a city that spans zones, or "other"); else the city's. */
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$' })),
    intro: Type.String({ minLength: 10, maxLength: 500 }),
    gender: Type.Optional(Nullable(GenderSchema)),
    birthYear: Type.Optional(Nullable(Type.Integer({ minimum: 1900, maximum: 2100 }))),
  },
  { additionalProperties: false },
);
export type BasicInfo = Static<typeof BasicInfo>;

export const LanguagesStep = Type.Object(
  {
    native: LanguageCodeSchema,
    speaks: Type.Array(Type.Object({ language: LanguageCodeSchema, level: CefrLevelSchema }), {
      maxItems: 11,
    }),
    learns: Type.Array(
      Type.Object({
        language: LanguageCodeSchema,
        level: CefrLevelSchema,
        partnerLevel: CefrLevelSchema,
      }),
      { minItems: 1, maxItems: 3 },
    ),
  },
  { additionalProperties: false },
);
export type LanguagesStep = Static<typeof LanguagesStep>;

export const InterestsStep = Type.Object(
  {
    motivations: Type.Array(MotivationSchema, { minItems: 1, maxItems: 9, uniqueItems: true }),
    topics: Type.Array(TopicSchema, { minItems: 1, maxItems: 9, uniqueItems: true }),
    learningStyle: LearningStyleSchema,
    expectation: ExpectationSchema,
  },
  { additionalProperties: false },
);
export type InterestsStep = Static<typeof InterestsStep>;

export const PartnerStep = Type.Object(
  {
    partnerGender: PartnerGenderSchema,
    partnerStyles: Type.Array(PartnerStyleSchema, { minItems: 1, maxItems: 5, uniqueItems: true }),
    ageMin: Type.Integer({ minimum: 14, maximum: 100 }),
    ageMax: Type.Integer({ minimum: 14, maximum: 100 }),
  },
  { additionalProperties: false },
);
export type PartnerStep = Static<typeof PartnerStep>;

/** A 30-minute slot of the week in the user's own time zone. */
export const WeeklySlot = Type.Object({
  day: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday, Monday = 1' }),
  slot: Type.Integer({ minimum: 0, maximum: SLOTS_PER_DAY - 1, description: 'slot * 30 min' }),
});
export type WeeklySlot = Static<typeof WeeklySlot>;

export const ScheduleStep = Type.Object(
  {
    communicationMethod: CommunicationMethodSchema,
    dailyMinutes: DailyMinutesSchema,
    availability: Type.Array(WeeklySlot, { minItems: 1, maxItems: 7 * SLOTS_PER_DAY }),
  },
  { additionalProperties: false },
);
export type ScheduleStep = Static<typeof ScheduleStep>;

export const STEP_SCHEMAS = {
  basic: BasicInfo,
  languages: LanguagesStep,
  interests: InterestsStep,
  partner: PartnerStep,
  schedule: ScheduleStep,
} as const;
export interface StepBodies {
  basic: BasicInfo;
  languages: LanguagesStep;
  interests: InterestsStep;
  partner: PartnerStep;
  schedule: ScheduleStep;
}

export const OnboardingStatus = Type.Object({
  completedSteps: Type.Array(Type.String()),
  nextStep: Nullable(Type.String()),
  completed: Type.Boolean(),
  levelTestOffered: Type.Boolean(),
});
export type OnboardingStatus = Static<typeof OnboardingStatus>;

export const VerifiedLevel = Type.Object({
  language: LanguageCodeSchema,
  level: CefrLevelSchema,
  source: Type.String(),
  verifiedAt: Type.String({ format: 'date-time' }),
});

export const Profile = Type.Object({
  id: Type.String(),
  email: Nullable(Type.String()),
  displayName: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  createdAt: Type.String({ format: 'date-time' }),
  termsAcceptedAt: Nullable(Type.String({ format: 'date-time' })),
  marketingConsent: Type.Boolean(),
  photoUrl: Nullable(Type.String()),
  timeZone: Nullable(Type.String()),
  onboarding: OnboardingStatus,
  basic: Nullable(BasicInfo),
  languages: Nullable(LanguagesStep),
  interests: Nullable(InterestsStep),
  partner: Nullable(PartnerStep),
  schedule: Nullable(ScheduleStep),
  verifiedLevels: Type.Array(VerifiedLevel),
});
export type Profile = Static<typeof Profile>;

export const PhotoReply = Type.Object({ photoUrl: Type.String() });
export type PhotoReply = Static<typeof PhotoReply>;
